import { LoaderCircle, RefreshCw, TriangleAlert, WifiOff } from 'lucide-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation();
  let content: ReactNode = null;
  let tone = 'info';
  if (connection.status === 'reconnecting') {
    tone = 'warn';
    const seconds =
      connection.nextRetryAt != null ? Math.max(0, Math.ceil((connection.nextRetryAt - now) / 1000)) : null;
    content = (
      <>
        <RefreshCw size={14} aria-hidden="true" className={seconds === 0 ? 'spin' : undefined} />
        <span>
          {seconds != null && seconds > 0
            ? t('connection.reconnectingIn', { seconds })
            : t('connection.reconnecting')}
        </span>
        <button type="button" className="bar-action" onClick={onRetryNow}>
          {t('connection.retryNow')}
        </button>
      </>
    );
  } else if (connection.status === 'connecting') {
    content = (
      <>
        <LoaderCircle size={14} aria-hidden="true" className="spin" />
        <span>{t('connection.connecting')}</span>
      </>
    );
  } else if (connection.status === 'offline') {
    tone = 'offline';
    content = (
      <>
        <WifiOff size={14} aria-hidden="true" />
        <span>{t('connection.offline')}</span>
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
        <span>
          {catchUp.total > 0
            ? t('connection.catchingUpCount', { done: catchUp.done, total: catchUp.total })
            : t('connection.catchingUp')}
        </span>
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
