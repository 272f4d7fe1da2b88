import type { ReactNode } from 'react';
import * as Dialog from '@radix-ui/react-dialog';

/** How the frame lays out what it holds: the ringing card, or a screen filling the window. */
export type CallFrameLayout = 'card' | 'screen';

interface CallFrameProps {
  layout: CallFrameLayout;
  /** Added to the layout's own class (`call-outgoing`, `call-active`, ...). */
  className?: string;
  /** The content renders a `Dialog.Description` (otherwise no `aria-describedby` is set). */
  described?: boolean;
  testId?: string;
  children: ReactNode;
}

/**
 * The one modal surface of a call, from the ringing card to the end screen: what it holds
 * changes with the call's phase, the dialog itself stays mounted. Its scroll lock, the
 * `aria-hidden` on the app behind it and its focus trap are set up once, when the call first
 * shows; tearing them down and setting them up again at Accept used to hold the callee's answer
 * back by about 20 ms (docs/performance.md, "Call setup").
 *
 * Escape or a stray click never ends, answers or hides a call. Focus lands on the frame itself
 * (so the in-call controls can still fade out) unless the content focuses one of its own
 * controls (`autoFocus`: Accept while ringing, Close on the end screen); when the focused
 * control goes with a phase change, Radix's focus scope moves focus back to the frame.
 * Every content renders its own `Dialog.Title`.
 */
export function CallFrame({ layout, className, described = false, testId, children }: CallFrameProps) {
  const contentClass = layout === 'card' ? 'dialog call-incoming' : 'call-screen';
  return (
    <Dialog.Root open>
      <Dialog.Portal>
        {/* Kept behind the full-window screens too: it holds the page's scroll lock. */}
        <Dialog.Overlay className={`dialog-overlay call-overlay call-overlay-${layout}`} />
        <Dialog.Content
          className={className ? `${contentClass} ${className}` : contentClass}
          data-testid={testId}
          {...(described ? {} : { 'aria-describedby': undefined })}
          onEscapeKeyDown={(e) => e.preventDefault()}
          onInteractOutside={(e) => e.preventDefault()}
          onOpenAutoFocus={(e) => {
            e.preventDefault();
            (e.currentTarget as HTMLElement | null)?.focus();
          }}
        >
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
