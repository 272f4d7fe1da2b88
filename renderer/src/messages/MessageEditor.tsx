import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { MESSAGE_BODY_MAX } from '@parley/shared';
import { Trans } from 'react-i18next';
import { t } from '../i18n';

interface MessageEditorProps {
  initial: string;
  /** The new body, or null to cancel. */
  onDone: (body: string | null) => void;
}

/** The bubble as an input: Enter saves, Shift+Enter adds a line, Esc cancels. */
export function MessageEditor({ initial, onDone }: MessageEditorProps) {
  const [text, setText] = useState(initial);
  const ref = useRef<HTMLTextAreaElement>(null);
  const length = text.trim().length;
  const valid = length > 0 && length <= MESSAGE_BODY_MAX;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onDone(null);
    } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      if (valid) onDone(text.trim() === initial.trim() ? null : text);
    }
  };

  return (
    <div className="msg-editor">
      <textarea
        ref={ref}
        rows={1}
        value={text}
        aria-label={t('messages.editLabel')}
        aria-invalid={!valid || undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="msg-editor-hint">
        <Trans
          i18nKey="messages.editHint"
          components={{
            cancel: <button type="button" className="link-button" onClick={() => onDone(null)} />,
            save: (
              <button
                type="button"
                className="link-button"
                disabled={!valid}
                onClick={() => onDone(text.trim() === initial.trim() ? null : text)}
              />
            ),
          }}
        />
      </div>
    </div>
  );
}
