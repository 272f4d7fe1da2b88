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

/** What shows while a chunk loads: small, announced to screen readers, no layout of its own. */
export function LoadingFallback({ label = t('common.loading') }: { label?: string }) {
  return (
    <div className="lazy-fallback" role="status" aria-live="polite">
      <LoaderCircle size={18} className="spin" aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </div>
  );
}

export function LazyBoundary({ children, label }: { children: ReactNode; label?: string }) {
  return <Suspense fallback={<LoadingFallback label={label} />}>{children}</Suspense>;
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
