import { LoaderCircle, RefreshCw, WifiOff } from 'lucide-react';
import type { ReactNode } from 'react';
import type { CatchUpState, ConnectionState } from '@parley/shared';

interface ConnectionBarProps {
  connection: ConnectionState;
  catchUp: CatchUpState;
  now: number;
  onRetryNow: () => void;
}

/**
 * The thin bar across the top for connection trouble. It never blocks anything: reading and
 * typing go on, and the outbox sends when the connection is back.
 */
export function ConnectionBar({ connection, catchUp, now, onRetryNow }: ConnectionBarProps) {
  let content: ReactNode = null;
  let tone = 'info';
  if (connection.status === 'reconnecting') {
    tone = 'warn';
    const seconds =
      connection.nextRetryAt != null ? Math.max(0, Math.ceil((connection.nextRetryAt - now) / 1000)) : null;
    content = (
      <>
        <RefreshCw size={14} aria-hidden="true" className={seconds === 0 ? 'spin' : undefined} />
        <span>{seconds != null && seconds > 0 ? `Reconnecting in ${seconds} s…` : 'Reconnecting…'}</span>
        <button type="button" className="bar-action" onClick={onRetryNow}>
          Retry now
        </button>
      </>
    );
  } else if (connection.status === 'connecting') {
    content = (
      <>
        <LoaderCircle size={14} aria-hidden="true" className="spin" />
        <span>Connecting…</span>
      </>
    );
  } else if (connection.status === 'offline') {
    tone = 'offline';
    content = (
      <>
        <WifiOff size={14} aria-hidden="true" />
        <span>You’re offline. Messages will send when you’re back.</span>
      </>
    );
  } else if (catchUp.active) {
    content = (
      <>
        <LoaderCircle size={14} aria-hidden="true" className="spin" />
        <span>{catchUp.total > 0 ? `Catching up… ${catchUp.done}/${catchUp.total}` : 'Catching up…'}</span>
      </>
    );
  }
  return (
    <div
      className={`connection-bar ${content ? 'visible' : ''} tone-${tone}`}
      role="status"
      aria-live="polite"
    >
      {content && <div className="connection-bar-inner">{content}</div>}
    </div>
  );
}
