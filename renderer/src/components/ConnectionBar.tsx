import { LoaderCircle, RefreshCw, TriangleAlert, WifiOff } from 'lucide-react';
import type { ReactNode } from 'react';
import type { CatchUpState, ConnectionState, ServerStatus } from '@parley/shared';

interface ConnectionBarProps {
  connection: ConnectionState;
  catchUp: CatchUpState;
  now: number;
  onRetryNow: () => void;
  /** The server's contract as the client core judged it; a mismatch shows while nothing else does. */
  server?: ServerStatus;
}

/**
 * The thin bar across the top for connection trouble. It never blocks anything: reading and
 * typing go on, and the outbox sends when the connection is back.
 */
export function ConnectionBar({ connection, catchUp, now, onRetryNow, server }: ConnectionBarProps) {
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
  } else if (server && (server.compatibility === 'too-old' || server.compatibility === 'too-new')) {
    // A server speaking another protocol: things may break; say so until it changes.
    tone = 'warn';
    content = (
      <>
        <TriangleAlert size={14} aria-hidden="true" />
        <span data-testid="server-compatibility">{server.message}</span>
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
