import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { SendHorizontal } from 'lucide-react';
import { MESSAGE_BODY_MAX } from '@parley/shared';
import { IconButton } from './IconButton';

interface ComposerProps {
  initialText: string;
  placeholder: string;
  onSend: (body: string) => void;
  /** Every edit (for the draft and the typing indicator). */
  onChange: (text: string) => void;
  autoFocus?: boolean;
}

const MAX_HEIGHT = 200;

/**
 * Auto-growing textarea. Enter sends, Shift+Enter adds a newline. It is never disabled for
 * being offline: the outbox takes the message. It only refuses what the server would refuse
 * (empty, or over the length limit), and says why.
 */
export function Composer({ initialText, placeholder, onSend, onChange, autoFocus }: ComposerProps) {
  const [text, setText] = useState(initialText);
  const ref = useRef<HTMLTextAreaElement>(null);
  const length = text.trim().length;
  const tooLong = length > MESSAGE_BODY_MAX;
  const canSend = length > 0 && !tooLong;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
    el.style.overflowY = el.scrollHeight > MAX_HEIGHT ? 'auto' : 'hidden';
  }, [text]);

  const update = (next: string) => {
    setText(next);
    onChange(next);
  };

  const send = () => {
    if (!canSend) return;
    onSend(text);
    update('');
    ref.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // isComposing: Enter confirms an IME composition (Japanese, Chinese…), it must not send.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };

  return (
    <div className="composer">
      <div className={`composer-field${tooLong ? ' invalid' : ''}`}>
        <textarea
          ref={ref}
          rows={1}
          value={text}
          placeholder={placeholder}
          aria-label="Message"
          aria-describedby={tooLong ? 'composer-error' : undefined}
          aria-invalid={tooLong || undefined}
          autoFocus={autoFocus}
          onChange={(e) => update(e.target.value)}
          onKeyDown={onKeyDown}
        />
        {tooLong && (
          <span id="composer-error" className="composer-error" role="alert">
            {length.toLocaleString()} / {MESSAGE_BODY_MAX.toLocaleString()} characters: too long to send
          </span>
        )}
      </div>
      <IconButton label="Send" variant="solid" tooltipSide="top" disabled={!canSend} onClick={send}>
        <SendHorizontal size={18} />
      </IconButton>
    </div>
  );
}
