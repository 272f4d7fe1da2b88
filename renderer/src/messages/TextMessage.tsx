import { memo, useMemo, useState, type MouseEvent } from 'react';
import type { MessageView } from '@parley/shared';
import type { MessageRow } from '../lib/message-rows';
import type { CSSProperties } from 'react';
import { senderNameColors } from '../lib/colors';
import { Avatar } from '../components/Avatar';
import { permissionsFor, quoteText, type MessageActionHandlers } from './actions';
import { isJumboEmoji, renderMarkdown } from './markdown';
import { MessageContextMenu, MessageToolbar, type PickerState } from './MessageMenus';
import { MessageEditor } from './MessageEditor';
import { Reactions } from './Reactions';
import { StatusIcon, type ReadState } from './status';
import { t } from '../i18n';
import { MessageAttachments } from '../attachments/MessageAttachments';
import { useHost } from '../store/hooks';

/** The message a reply quotes, as far as it is loaded. */
interface QuotedMessage {
  id: string;
  senderName: string;
  /** One line of its text; null when it is not loaded (yet). */
  text: string | null;
  deleted: boolean;
}

export interface TextMessageProps {
  row: MessageRow;
  meId: string;
  showSender: boolean;
  senderName: string;
  senderPicture?: string | null | undefined;
  time: string;
  fullTime: string;
  readState: ReadState | null;
  seenBy: string | null;
  canModerate: boolean;
  actions: MessageActionHandlers;
  editing: boolean;
  replyTo: MessageView | 'missing' | null;
  nameOf: (userId: string) => string;
}

/**
 * A right-click on a link or on selected text belongs to the browser's own menu (Copy link,
 * Copy), not to the in-page message menu: the event stops here, before the message's
 * context-menu trigger, which would otherwise claim it. The desktop app needs no such split:
 * its native menu has both (the message's actions, then Copy and Copy link).
 */
function keepNativeMenu(event: MouseEvent<HTMLDivElement>) {
  const onLink = event.target instanceof Element && event.target.closest('a[href]') !== null;
  const selected = (window.getSelection()?.toString() ?? '') !== '';
  if (onLink || selected) event.stopPropagation();
}

function Body({ message }: { message: MessageView }) {
  const nodes = useMemo(() => renderMarkdown(message.body), [message.body]);
  const desktop = useHost().desktop !== undefined;
  return (
    <div
      className={`msg-body${isJumboEmoji(message.body) ? ' jumbo' : ''}`}
      onContextMenu={desktop ? undefined : keepNativeMenu}
    >
      {nodes}
    </div>
  );
}

function Quote({ quoted, onJump }: { quoted: QuotedMessage; onJump: (id: string) => void }) {
  const text = quoted.deleted ? t('messages.deleted') : (quoted.text ?? t('messages.showOriginal'));
  return (
    <button
      type="button"
      className="msg-quote"
      data-testid="reply-quote"
      onClick={() => onJump(quoted.id)}
      aria-label={
        quoted.text === null
          ? t('messages.quoteEarlierLabel')
          : t('messages.quoteLabel', { name: quoted.senderName, text })
      }
    >
      <span className="msg-quote-name">{quoted.senderName}</span>
      <span className={`msg-quote-text${quoted.deleted ? ' deleted' : ''}`}>{text}</span>
    </button>
  );
}

/** A text message: bubble (quote, formatted body or the editor, time and ticks), reactions, actions. */
export const TextMessage = memo(function TextMessage(props: TextMessageProps) {
  const {
    row,
    meId,
    showSender,
    senderName,
    time,
    fullTime,
    readState,
    seenBy,
    actions,
    editing,
    replyTo,
    nameOf,
  } = props;
  const m = row.message;
  const can = useMemo(() => permissionsFor(m, meId, props.canModerate), [m, meId, props.canModerate]);
  const quoted = useMemo((): QuotedMessage | null => {
    if (!replyTo || !m.replyToId) return null;
    // Not loaded: a reply names its original by id only; clicking loads it and the quote fills in.
    if (replyTo === 'missing')
      return { id: m.replyToId, senderName: t('messages.earlierMessage'), text: null, deleted: false };
    return {
      id: replyTo.id,
      senderName: replyTo.senderId === meId ? t('messages.you') : nameOf(replyTo.senderId),
      text: quoteText(replyTo.body),
      deleted: Boolean(replyTo.deletedAt),
    };
  }, [replyTo, m.replyToId, meId, nameOf]);
  const [picker, setPicker] = useState<PickerState>(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const deleted = Boolean(m.deletedAt);
  const menu = { message: m, meId, can, actions };
  return (
    <div
      className={[
        'msg',
        row.mine ? 'mine' : 'theirs',
        row.groupStart ? 'group-start' : '',
        row.groupEnd ? 'group-end' : '',
        readState === 'failed' ? 'failed' : '',
        (picker || menuOpen) && !editing ? 'actions-open' : '',
        editing ? 'editing' : '',
      ]
        .filter(Boolean)
        .join(' ')}
      data-testid="message"
      data-message-id={m.id}
    >
      {showSender && !row.mine && (
        <div className="msg-avatar">
          {row.groupEnd && (
            <Avatar id={m.senderId} name={senderName} size={28} picture={props.senderPicture} />
          )}
        </div>
      )}
      <div className="msg-stack">
        <MessageContextMenu {...menu} onPicker={setPicker} onMenuOpen={setMenuOpen}>
          {/* Focusable so keyboard users can reach a message and open its menu (Shift+F10). */}
          <div
            className={`bubble${row.groupEnd || row.mine ? ' with-meta' : ''}${editing ? ' editing' : ''}${m.editedAt && !deleted ? ' edited' : ''}`}
            tabIndex={0}
            role="article"
            aria-roledescription="message"
          >
            {showSender && !row.mine && row.groupStart && (
              <div className="msg-sender" style={senderStyle(m.senderId)}>
                {senderName}
              </div>
            )}
            {quoted && !deleted && <Quote quoted={quoted} onJump={actions.jumpTo} />}
            {deleted ? (
              <div className="msg-body deleted">{t('messages.deleted')}</div>
            ) : editing ? (
              <MessageEditor initial={m.body} onDone={(body) => actions.finishEdit(m, body)} />
            ) : (
              <>
                {/* Deleted messages carry no files (the tombstone drops them). */}
                {m.attachments && m.attachments.length > 0 && (
                  <MessageAttachments attachments={m.attachments} />
                )}
                {m.body !== '' && <Body message={m} />}
              </>
            )}
            {!editing && (
              <span className={`msg-meta${row.groupEnd || row.mine ? ' always' : ' on-hover'}`}>
                {m.editedAt && !deleted && <span className="msg-edited">{t('messages.edited')}</span>}
                <time dateTime={m.createdAt} title={fullTime}>
                  {time}
                </time>
                {readState && <StatusIcon state={readState} seenBy={seenBy} />}
              </span>
            )}
          </div>
        </MessageContextMenu>
        {/* Kept mounted while editing (hidden by CSS): unmounting it with its menu open would
            never report the menu closed, and the row would keep the others' toolbars hidden. */}
        <MessageToolbar {...menu} picker={picker} onPicker={setPicker} onMenuOpen={setMenuOpen} />
        {!deleted && m.reactions && m.reactions.length > 0 && (
          <Reactions
            reactions={m.reactions}
            meId={meId}
            nameOf={nameOf}
            onToggle={(emoji, on) => actions.react(m, emoji, on)}
          />
        )}
      </div>
    </div>
  );
});

/** The sender's colour for both themes; styles.css picks one (`--sender-light`/`--sender-dark`). */
function senderStyle(senderId: string): CSSProperties {
  const { light, dark } = senderNameColors(senderId);
  return { '--sender-light': light, '--sender-dark': dark } as CSSProperties;
}
