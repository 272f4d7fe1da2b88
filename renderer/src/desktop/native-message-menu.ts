/**
 * The desktop app's right-click on a message: instead of the in-page menu, the message and
 * what the user may do with it go to main (`desktop.setContextMessage`) while the right-click
 * is dispatched, and main's native menu offers them beside Copy, Copy link and the rest. The
 * action picked there comes back (`desktop.onMessageAction`) and runs here, on the message
 * that was right-clicked.
 */
import type { MessageMenuChoice, MessageMenuTarget, ParleyHost } from '@parley/shared';

type Desktop = NonNullable<ParleyHost['desktop']>;

/** How the last right-clicked message runs a picked action (one menu is open at a time). */
let pending: { messageId: string; run: (choice: MessageMenuChoice) => void } | null = null;
const listening = new WeakSet<Desktop>();

export function reportContextMessage(
  desktop: Desktop,
  target: MessageMenuTarget,
  run: (choice: MessageMenuChoice) => void,
): void {
  if (!listening.has(desktop)) {
    listening.add(desktop);
    // For the app's lifetime: the host outlives every message row.
    desktop.onMessageAction((choice) => {
      if (pending?.messageId === choice.messageId) pending.run(choice);
    });
  }
  pending = { messageId: target.messageId, run };
  void desktop.setContextMessage(target);
}
