interface TypingIndicatorProps {
  text: string | null;
}

/** "Alice is typing…" with animated dots; announced politely to screen readers. */
export function TypingIndicator({ text }: TypingIndicatorProps) {
  return (
    <div className={text ? 'typing-indicator visible' : 'typing-indicator'} aria-live="polite">
      {text && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <span className="typing-text">{text}</span>
        </>
      )}
    </div>
  );
}
