import {
  forwardRef,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type ClipboardEvent,
  type KeyboardEvent,
} from 'react';
import * as Popover from '@radix-ui/react-popover';
import { Paperclip, Reply, SendHorizontal, Smile, X } from 'lucide-react';
import { MESSAGE_BODY_MAX } from '@parley/shared';
import { useTranslation } from 'react-i18next';
import { LazyBoundary } from './Lazy';
import { EmojiPicker } from '../messages/lazy-emoji-picker';
import { PendingFilesTray } from '../attachments/PendingFilesTray';
import type { PendingFiles } from '../attachments/use-pending-files';
import { IconButton } from './IconButton';

interface ComposerProps {
  initialText: string;
  placeholder: string;
  /** `attachmentIds`: the uploaded files going with it (empty for text only). */
  onSend: (body: string, attachmentIds: string[]) => void;
  /** Every edit (for the draft and the typing indicator). */
  onChange: (text: string) => void;
  autoFocus?: boolean;
  /** The message being replied to, shown above the field with an ✕. */
  replyTo?: { name: string; text: string } | null;
  onCancelReply?: () => void;
  /** ↑ in an empty field: edit the last message of ours. Returns whether there was one. */
  onEditLast?: () => boolean;
  /** Files for the next message (attach button, paste); without it the composer is text only. */
  files?: PendingFiles;
}

export interface ComposerHandle {
  focus(): void;
}

const MAX_HEIGHT = 200;

/**
 * Auto-growing textarea. Enter sends, Shift+Enter adds a newline. It is never disabled for
 * being offline: the outbox takes the message. It only refuses what the server would refuse
 * (empty, or over the length limit), and says why.
 */
export const Composer = forwardRef<ComposerHandle, ComposerProps>(function Composer(
  { initialText, placeholder, onSend, onChange, autoFocus, replyTo, onCancelReply, onEditLast, files },
  handle,
) {
  const { t } = useTranslation();
  const [text, setText] = useState(initialText);
  const ref = useRef<HTMLTextAreaElement>(null);
  const length = text.trim().length;
  const tooLong = length > MESSAGE_BODY_MAX;
  const readyIds = files?.readyIds ?? [];
  // Files may go without text, but only once every upload has finished.
  const canSend = (length > 0 || readyIds.length > 0) && !tooLong && !files?.uploading;
  const fileInput = useRef<HTMLInputElement>(null);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
    el.style.overflowY = el.scrollHeight > MAX_HEIGHT ? 'auto' : 'hidden';
  }, [text]);

  useImperativeHandle(handle, () => ({ focus: () => ref.current?.focus() }));
  const [pickerOpen, setPickerOpen] = useState(false);

  /** Puts a picked emoji where the cursor was, and the cursor after it. */
  const insertEmoji = (emoji: string) => {
    const el = ref.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    update(text.slice(0, start) + emoji + text.slice(end));
    setPickerOpen(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };

  const update = (next: string) => {
    setText(next);
    onChange(next);
  };

  const send = () => {
    if (!canSend) return;
    onSend(text, readyIds);
    files?.clear();
    update('');
    ref.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // isComposing: Enter confirms an IME composition (Japanese, Chinese…), it must not send.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === 'ArrowUp' && text === '' && onEditLast?.()) {
      e.preventDefault();
    } else if (e.key === 'Escape' && replyTo) {
      e.preventDefault();
      onCancelReply?.();
    }
  };

  /** Pasted files (a screenshot, files copied in a file manager) join the message. */
  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const pasted = [...e.clipboardData.files];
    if (!files || pasted.length === 0) return;
    e.preventDefault();
    files.add(pasted);
  };

  return (
    <div className="composer">
      {files && (
        <>
          <IconButton
            label={t('composer.attach')}
            tooltipSide="top"
            className="composer-attach"
            onClick={() => fileInput.current?.click()}
          >
            <Paperclip size={19} />
          </IconButton>
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            data-testid="attach-input"
            onChange={(e) => {
              files.add([...(e.target.files ?? [])]);
              e.target.value = '';
              ref.current?.focus();
            }}
          />
        </>
      )}
      <div className={`composer-field${tooLong ? ' invalid' : ''}`}>
        {files && <PendingFilesTray files={files} />}
        {replyTo && (
          <div className="composer-reply" data-testid="composer-reply">
            <Reply size={16} aria-hidden="true" className="composer-reply-icon" />
            <div className="composer-reply-text">
              <span className="composer-reply-name">{t('composer.replyingTo', { name: replyTo.name })}</span>
              <span className="composer-reply-body">{replyTo.text}</span>
            </div>
            <button
              type="button"
              className="icon-button icon-button-ghost composer-reply-close"
              aria-label={t('composer.cancelReply')}
              onClick={() => {
                onCancelReply?.();
                ref.current?.focus();
              }}
            >
              <X size={16} />
            </button>
          </div>
        )}
        <textarea
          ref={ref}
          rows={1}
          value={text}
          placeholder={placeholder}
          aria-label={t('composer.label')}
          aria-describedby={tooLong ? 'composer-error' : undefined}
          aria-invalid={tooLong || undefined}
          autoFocus={autoFocus}
          onChange={(e) => update(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        {tooLong && (
          <span id="composer-error" className="composer-error" role="alert">
            {t('composer.tooLong', {
              length: length.toLocaleString(),
              max: MESSAGE_BODY_MAX.toLocaleString(),
            })}
          </span>
        )}
      </div>
      <Popover.Root open={pickerOpen} onOpenChange={setPickerOpen}>
        <Popover.Trigger asChild>
          <IconButton label={t('composer.emoji')} tooltipSide="top" className="composer-emoji">
            <Smile size={19} />
          </IconButton>
        </Popover.Trigger>
        <Popover.Portal>
          <Popover.Content
            className="popover emoji-popover"
            side="top"
            align="end"
            sideOffset={8}
            collisionPadding={8}
            aria-label={t('composer.insertEmoji')}
            onCloseAutoFocus={(e) => e.preventDefault()}
          >
            <LazyBoundary label={t('composer.loadingEmoji')} inline>
              <EmojiPicker onPick={insertEmoji} />
            </LazyBoundary>
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>
      <IconButton
        label={t('composer.send')}
        variant="solid"
        tooltipSide="top"
        disabled={!canSend}
        onClick={send}
      >
        <SendHorizontal size={18} />
      </IconButton>
    </div>
  );
});
