import { memo } from 'react';
import {
  Check,
  CheckCheck,
  CircleAlert,
  Clock,
  Phone,
  PhoneIncoming,
  PhoneMissed,
  PhoneOutgoing,
  Video,
} from 'lucide-react';
import type { MessageStatus } from '@parley/shared';
import type { MessageRow } from '../lib/message-rows';
import { avatarColor } from '../lib/colors';
import { linkify } from '../lib/linkify';
import { Avatar } from './Avatar';

export type ReadState = 'pending' | 'sent' | 'read' | 'failed';

export interface MessageItemProps {
  row: MessageRow;
  /** Group conversations show sender names and avatars. */
  showSender: boolean;
  senderName: string;
  dayLabel: string;
  time: string;
  fullTime: string;
  /** For own messages: where the message stands. */
  readState: ReadState | null;
  /** Groups: who has read this message ("Seen by …"). */
  seenBy: string | null;
  callText: { text: string; missed: boolean } | null;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  onCallBack: (media: 'audio' | 'video') => void;
  /** The first message of the whole conversation: a "beginning" marker goes above it. */
  beginning?: boolean;
}

export function readStateOf(status: MessageStatus, read: boolean): ReadState {
  if (status === 'failed') return 'failed';
  if (status === 'pending') return 'pending';
  return read ? 'read' : 'sent';
}

const STATUS_LABEL: Record<ReadState, string> = {
  pending: 'Sending',
  sent: 'Sent',
  read: 'Read',
  failed: 'Not sent',
};

function StatusIcon({ state, seenBy }: { state: ReadState; seenBy: string | null }) {
  const label = state === 'read' && seenBy ? `Seen by ${seenBy}` : STATUS_LABEL[state];
  const icon =
    state === 'pending' ? (
      <Clock size={13} strokeWidth={2.25} />
    ) : state === 'sent' ? (
      <Check size={15} strokeWidth={2.25} />
    ) : state === 'read' ? (
      <CheckCheck size={15} strokeWidth={2.25} />
    ) : (
      <CircleAlert size={14} strokeWidth={2.25} />
    );
  return (
    <span className={`msg-status ${state}`} role="img" aria-label={label} title={label} data-status={state}>
      {icon}
    </span>
  );
}

/** Message text with web links made clickable (they open outside the app). */
function MessageText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((part, i) =>
        part.type === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </>
  );
}

/** One message row: optional day separator / "New messages" divider, then the bubble or record. */
export const MessageItem = memo(function MessageItem(props: MessageItemProps) {
  const { row, showSender, senderName, dayLabel, time, fullTime, readState, seenBy, callText } = props;
  const m = row.message;
  return (
    <div className="msg-row" data-seq={m.status === 'sent' ? m.seq : undefined}>
      {props.beginning && <div className="list-start">This is the beginning of your conversation.</div>}
      {row.dayBreak && (
        <div className="day-separator" role="separator">
          <span>{dayLabel}</span>
        </div>
      )}
      {row.unreadBreak && (
        <div className="unread-separator" role="separator" aria-label="New messages">
          <span>New messages</span>
        </div>
      )}
      {m.kind === 'call' && callText ? (
        <div className={`call-record${callText.missed ? ' missed' : ''}`} data-testid="call-record">
          <span className="call-record-icon" aria-hidden="true">
            {callText.missed ? (
              <PhoneMissed size={16} />
            ) : m.call?.media === 'video' ? (
              <Video size={16} />
            ) : row.mine ? (
              <PhoneOutgoing size={16} />
            ) : (
              <PhoneIncoming size={16} />
            )}
          </span>
          <span className="call-record-text">{callText.text}</span>
          <time className="call-record-time" dateTime={m.createdAt} title={fullTime}>
            {time}
          </time>
          <button
            type="button"
            className="link-button"
            onClick={() => props.onCallBack(m.call?.media === 'video' ? 'video' : 'audio')}
          >
            {m.call?.media === 'video' ? (
              <Video size={14} aria-hidden="true" />
            ) : (
              <Phone size={14} aria-hidden="true" />
            )}
            Call back
          </button>
        </div>
      ) : m.kind === 'system' ? (
        <div className="system-message">{m.body}</div>
      ) : (
        <div
          className={[
            'msg',
            row.mine ? 'mine' : 'theirs',
            row.groupStart ? 'group-start' : '',
            row.groupEnd ? 'group-end' : '',
            readState === 'failed' ? 'failed' : '',
          ]
            .filter(Boolean)
            .join(' ')}
          data-testid="message"
        >
          {showSender && !row.mine && (
            <div className="msg-avatar">
              {row.groupEnd && <Avatar id={m.senderId} name={senderName} size={28} />}
            </div>
          )}
          <div className={`bubble${row.groupEnd || row.mine ? ' with-meta' : ''}`}>
            {showSender && !row.mine && row.groupStart && (
              <div className="msg-sender" style={{ color: avatarColor(m.senderId) }}>
                {senderName}
              </div>
            )}
            {m.deletedAt ? (
              <span className="msg-body deleted">This message was deleted</span>
            ) : (
              <span className="msg-body">
                <MessageText text={m.body} />
              </span>
            )}
            {!m.deletedAt && m.reactions && m.reactions.length > 0 && (
              <span className="msg-reactions" data-testid="reactions">
                {m.reactions.map((r) => (
                  <span key={r.emoji} className="msg-reaction" aria-label={`${r.emoji} ${r.userIds.length}`}>
                    {r.emoji} {r.userIds.length}
                  </span>
                ))}
              </span>
            )}
            <span className={`msg-meta${row.groupEnd || row.mine ? ' always' : ' on-hover'}`}>
              {m.editedAt && <span className="msg-edited">edited</span>}
              <time dateTime={m.createdAt} title={fullTime}>
                {time}
              </time>
              {readState && <StatusIcon state={readState} seenBy={seenBy} />}
            </span>
          </div>
        </div>
      )}
      {readState === 'failed' && (
        <div className="msg-failed-actions">
          <span>Not sent.</span>
          <button type="button" className="link-button" onClick={() => props.onRetry(m.clientId)}>
            Retry
          </button>
          <button type="button" className="link-button muted" onClick={() => props.onDiscard(m.clientId)}>
            Discard
          </button>
        </div>
      )}
    </div>
  );
});
