import { forwardRef, type HTMLAttributes, type ReactNode } from 'react';
import * as Dialog from '@radix-ui/react-dialog';

interface CallScreenFrameProps extends HTMLAttributes<HTMLDivElement> {
  /** The screen's accessible name ("Call with Alice"). */
  label: string;
  /** Focus the first button (e.g. "Close") instead of the screen itself. */
  focusFirst?: boolean;
  children: ReactNode;
}

/**
 * A full-window call screen as a modal dialog: focus stays inside, the app behind is hidden
 * from assistive technology, and Escape or a stray click never ends or hides a call.
 * Focus lands on the screen itself rather than on its first button, so the control bar can
 * still fade out when nobody uses it.
 */
export const CallScreenFrame = forwardRef<HTMLDivElement, CallScreenFrameProps>(function CallScreenFrame(
  { label, focusFirst = false, children, className, ...rest },
  ref,
) {
  return (
    <Dialog.Root open>
      <Dialog.Portal>
        <Dialog.Content
          ref={ref}
          className={`call-screen${className ? ` ${className}` : ''}`}
          aria-describedby={undefined}
          onEscapeKeyDown={(e) => e.preventDefault()}
          onInteractOutside={(e) => e.preventDefault()}
          onOpenAutoFocus={(e) => {
            if (focusFirst) return;
            e.preventDefault();
            (e.currentTarget as HTMLElement | null)?.focus();
          }}
          {...rest}
        >
          <Dialog.Title className="sr-only">{label}</Dialog.Title>
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
});
