import { memo } from 'react';
import { Phone, PhoneIncoming, PhoneMissed, PhoneOutgoing, Video } from 'lucide-react';
import type { MessageRow } from '../lib/message-rows';
import type { MessageView } from '@parley/shared';
import type { MessageActionHandlers } from '../messages/actions';
import type { ReadState } from '../messages/status';
import { TextMessage } from '../messages/TextMessage';
import { t } from '../i18n';

export { readStateOf, type ReadState } from '../messages/status';

export interface MessageItemProps {
  row: MessageRow;
  /** Group conversations show sender names and avatars. */
  showSender: boolean;
  senderName: string;
  /** The sender's picture id (groups), if any. */
  senderPicture?: string | null;
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
  meId: string;
  /** A group admin may delete anyone's messages. */
  canModerate: boolean;
  actions: MessageActionHandlers;
  editing: boolean;
  /** The message this one replies to: loaded, not loaded ('missing'), or not a reply. */
  replyTo: MessageView | 'missing' | null;
  /** Flashes after a jump to it (a reply's original). */
  highlighted: boolean;
  nameOf: (userId: string) => string;
}

/** One message row: optional day separator / "New messages" divider, then the bubble or record. */
export const MessageItem = memo(function MessageItem(props: MessageItemProps) {
  const { row, showSender, senderName, dayLabel, time, fullTime, readState, seenBy, callText } = props;
  const m = row.message;
  return (
    <div
      className={`msg-row${props.highlighted ? ' highlighted' : ''}`}
      data-seq={m.status === 'sent' ? m.seq : undefined}
    >
      {props.beginning && <div className="list-start">{t('messages.beginning')}</div>}
      {row.dayBreak && (
        <div className="day-separator" role="separator">
          <span>{dayLabel}</span>
        </div>
      )}
      {row.unreadBreak && (
        <div className="unread-separator" role="separator" aria-label={t('messages.newMessages')}>
          <span>{t('messages.newMessages')}</span>
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
          {row.groupEnd && (
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
              {t('messages.callBack')}
            </button>
          )}
        </div>
      ) : m.kind === 'system' ? (
        <div className="system-message">{m.body}</div>
      ) : (
        <TextMessage
          row={row}
          meId={props.meId}
          showSender={showSender}
          senderName={senderName}
          senderPicture={props.senderPicture}
          time={time}
          fullTime={fullTime}
          readState={readState}
          seenBy={seenBy}
          canModerate={props.canModerate}
          actions={props.actions}
          editing={props.editing}
          replyTo={props.replyTo}
          nameOf={props.nameOf}
        />
      )}
      {readState === 'failed' && (
        <div className="msg-failed-actions">
          <span>{t('messages.notSent')}</span>
          <button type="button" className="link-button" onClick={() => props.onRetry(m.clientId)}>
            {t('common.retry')}
          </button>
          <button type="button" className="link-button muted" onClick={() => props.onDiscard(m.clientId)}>
            {t('messages.discard')}
          </button>
        </div>
      )}
    </div>
  );
});
