/**
 * Radix dialogs focus their first focusable element when they open, which is often the ✕.
 * A dialog whose job is typing marks its field with `data-autofocus` and passes this as
 * `onOpenAutoFocus`, so typing right away goes into that field.
 */
export function focusMarkedField(event: Event): void {
  const container = event.target instanceof HTMLElement ? event.target : null;
  const field = container?.querySelector<HTMLElement>('[data-autofocus]');
  if (!field) return;
  event.preventDefault();
  field.focus();
}
