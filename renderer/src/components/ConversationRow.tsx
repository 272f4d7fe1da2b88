import { forwardRef, type KeyboardEvent } from 'react';
import { unreadBadge } from '@parley/shared';
import { BellOff } from 'lucide-react';
import { Avatar } from './Avatar';
import { t } from '../i18n';

export interface ConversationRowData {
  id: string;
  title: string;
  avatarId: string;
  /** The picture's id (the peer's, or the group's), if it has one. */
  picture?: string | null;
  group: boolean;
  /** Undefined for groups. */
  online?: boolean;
  preview: string;
  /** Someone is typing: replaces the preview. */
  typingText: string | null;
  time: string;
  unreadCount: number;
  /** The last message failed to send. */
  failed: boolean;
  /** Notifications are muted for it on this device: a bell-off icon and a grey badge. */
  muted: boolean;
}

interface ConversationRowProps {
  row: ConversationRowData;
  active: boolean;
  onOpen: (id: string) => void;
  onKeyDown?: (e: KeyboardEvent<HTMLButtonElement>) => void;
}

export const ConversationRow = forwardRef<HTMLButtonElement, ConversationRowProps>(function ConversationRow(
  { row, active, onOpen, onKeyDown },
  ref,
) {
  const unread = row.unreadCount > 0;
  // The name comes from the row's own text, state last ("Bob 9:41 Hi there, muted, 2 unread").
  // An aria-label would have to repeat every visible word anyway (WCAG 2.5.3, label in name),
  // so the spaces below are there for the name, and the pill's number is drawn by CSS.
  // The module's `t`, not a hook per row: a language change remounts the list (App).
  const state = `${row.muted ? t('sidebar.rowMuted') : ''}${unread ? t('sidebar.rowUnread', { count: row.unreadCount }) : ''}`;
  return (
    <button
      ref={ref}
      type="button"
      className={`conv-row${active ? ' active' : ''}${unread ? ' unread' : ''}${row.muted ? ' is-muted' : ''}`}
      aria-current={active ? 'true' : undefined}
      data-conversation-id={row.id}
      onClick={() => onOpen(row.id)}
      onKeyDown={onKeyDown}
    >
      <Avatar
        id={row.avatarId}
        name={row.title}
        size={44}
        online={row.online}
        group={row.group}
        picture={row.picture}
      />
      <span className="conv-row-main">
        <span className="conv-row-top">
          <span className="conv-row-title">{row.title}</span>{' '}
          {row.muted && <BellOff size={13} className="conv-row-muted" aria-hidden="true" />}
          <span className="conv-row-time">{row.time}</span>
        </span>{' '}
        <span className="conv-row-bottom">
          {row.typingText ? (
            <span className="conv-row-preview typing">{row.typingText}</span>
          ) : (
            <span className={`conv-row-preview${row.failed ? ' failed' : ''}`}>{row.preview}</span>
          )}
          {unread && (
            <span
              className={row.muted ? 'unread-pill muted-pill' : 'unread-pill'}
              data-count={unreadBadge(row.unreadCount)}
              aria-hidden="true"
            />
          )}
        </span>
      </span>
      {state && <span className="sr-only">{state}</span>}
    </button>
  );
});
