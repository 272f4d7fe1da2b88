import { Suspense, lazy, useState, type ComponentType, type ReactNode } from 'react';
import { LoaderCircle } from 'lucide-react';
import { t } from '../i18n';

/**
 * Code splitting for screens that are not needed for the first paint (settings, search, calls,
 * the image viewer, the emoji picker): each is its own chunk, fetched the first time it shows.
 */

/** `React.lazy` for a named export; `preload()` fetches the chunk ahead of time (e.g. on an incoming call). */
export function lazyNamed<M, K extends keyof M>(
  load: () => Promise<M>,
  name: K,
): M[K] & { preload: () => Promise<M> } {
  let loading: Promise<M> | undefined;
  const preload = () => (loading ??= load());
  const Component = lazy(async () => ({ default: (await preload())[name] as ComponentType<object> }));
  return Object.assign(Component, { preload }) as unknown as M[K] & { preload: () => Promise<M> };
}

/**
 * What shows while a chunk loads: small and announced to screen readers. By default it takes
 * no room (a spinner in the window's corner): most lazy screens are dialogs and call screens
 * laid over the app, and a placeholder in the page's flow pushed the whole app down for a
 * moment (the newest message then ended up under the composer). `inline` keeps it in place,
 * for what fills a spot of its own (the search panel, an emoji picker in its popover).
 */
export function LoadingFallback({
  label = t('common.loading'),
  inline = false,
}: {
  label?: string;
  inline?: boolean;
}) {
  return (
    <div
      className={inline ? 'lazy-fallback' : 'lazy-fallback lazy-fallback-overlay'}
      role="status"
      aria-live="polite"
    >
      <LoaderCircle size={18} className="spin" aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </div>
  );
}

export function LazyBoundary({
  children,
  label,
  inline = false,
}: {
  children: ReactNode;
  label?: string;
  inline?: boolean;
}) {
  return <Suspense fallback={<LoadingFallback label={label} inline={inline} />}>{children}</Suspense>;
}

/**
 * True from the first time `open` is true on: a lazily loaded dialog stays mounted after that,
 * so its close animation and focus return still run.
 */
export function useOpenedOnce(open: boolean): boolean {
  const [opened, setOpened] = useState(open);
  if (open && !opened) setOpened(true);
  return opened || open;
}
