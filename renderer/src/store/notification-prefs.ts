import { errorText, t } from '../i18n';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { HostResult, NotificationPrefs, ParleyHost } from '@parley/shared';
import { showToast } from '../lib/toast';
import { useHost } from './hooks';

type NotificationsApi = NonNullable<ParleyHost['notifications']>;

/**
 * The host's notification preferences, loaded once per host and replaced by whatever the
 * host answers to a change (the host is the source of truth: the desktop host keeps them in
 * its settings and its tray can toggle Do-not-disturb too, then pushes them through
 * `onChange`).
 */
class PrefsStore {
  private prefs: NotificationPrefs | null = null;
  private readonly listeners = new Set<() => void>();
  private loading = false;

  constructor(private readonly api: NotificationsApi) {
    // The desktop tray toggles Do-not-disturb too: the host pushes the change where it can,
    // and the prefs are re-read when the window comes back either way.
    api.onChange?.((prefs) => this.apply({ ok: true, value: prefs }));
    window.addEventListener('focus', () => this.load(true));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    this.load();
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): NotificationPrefs | null => this.prefs;

  /** Applies a host answer; a failure keeps the old prefs and says why. */
  apply(result: HostResult<NotificationPrefs>): void {
    if (!result.ok) {
      showToast(t('settings.couldNotChangeNotifications', { error: errorText(result) }));
      return;
    }
    this.prefs = result.value;
    for (const listener of [...this.listeners]) listener();
  }

  private load(force = false): void {
    if ((this.prefs && !force) || this.loading) return;
    this.loading = true;
    void this.api
      .get()
      .then((r) => {
        if (r.ok) this.apply(r);
      })
      .finally(() => {
        this.loading = false;
      });
  }
}

const stores = new WeakMap<NotificationsApi, PrefsStore>();

function storeFor(api: NotificationsApi): PrefsStore {
  let store = stores.get(api);
  if (!store) {
    store = new PrefsStore(api);
    stores.set(api, store);
  }
  return store;
}

const noSubscribe = (): (() => void) => () => undefined;
const noPrefs = (): NotificationPrefs | null => null;

export interface NotificationControls {
  /** Null until the host answered. */
  prefs: NotificationPrefs | null;
  setMuted(conversationId: string, muted: boolean): void;
  setDoNotDisturb(on: boolean): void;
}

/** Notification preferences, or null when the host has none (feature-detected). */
export function useNotificationControls(): NotificationControls | null {
  const api = useHost().notifications;
  const store = api ? storeFor(api) : null;
  const prefs = useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? noPrefs);
  const setMuted = useCallback(
    (conversationId: string, muted: boolean) => {
      if (api && store) void api.setMuted(conversationId, muted).then((r) => store.apply(r));
    },
    [api, store],
  );
  const setDoNotDisturb = useCallback(
    (on: boolean) => {
      if (api && store) void api.setDoNotDisturb(on).then((r) => store.apply(r));
    },
    [api, store],
  );
  return useMemo(
    () => (api ? { prefs, setMuted, setDoNotDisturb } : null),
    [api, prefs, setMuted, setDoNotDisturb],
  );
}

/** The muted conversation ids (empty when the host has no notification prefs). */
export function useMutedIds(): ReadonlySet<string> {
  const controls = useNotificationControls();
  const ids = controls?.prefs?.mutedConversationIds;
  return useMemo(() => new Set(ids ?? []), [ids]);
}
