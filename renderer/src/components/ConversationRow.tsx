import { forwardRef, type KeyboardEvent } from 'react';
import { unreadBadge } from '@parley/shared';
import { BellOff } from 'lucide-react';
import { Avatar } from './Avatar';

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
  const label = `${row.title}${row.muted ? ', muted' : ''}${unread ? `, ${row.unreadCount} unread` : ''}`;
  return (
    <button
      ref={ref}
      type="button"
      className={`conv-row${active ? ' active' : ''}${unread ? ' unread' : ''}${row.muted ? ' is-muted' : ''}`}
      aria-current={active ? 'true' : undefined}
      aria-label={label}
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
          <span className="conv-row-title">{row.title}</span>
          {row.muted && <BellOff size={13} className="conv-row-muted" aria-hidden="true" />}
          <span className="conv-row-time">{row.time}</span>
        </span>
        <span className="conv-row-bottom">
          {row.typingText ? (
            <span className="conv-row-preview typing">{row.typingText}</span>
          ) : (
            <span className={`conv-row-preview${row.failed ? ' failed' : ''}`}>{row.preview}</span>
          )}
          {unread && (
            <span className={row.muted ? 'unread-pill muted-pill' : 'unread-pill'} aria-hidden="true">
              {unreadBadge(row.unreadCount)}
            </span>
          )}
        </span>
      </span>
    </button>
  );
});
