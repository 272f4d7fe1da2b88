import { t } from '../i18n';
import type { HostResult, NavigateTarget, NotificationPrefs, ParleyHost, StateUpdate } from '@parley/shared';
import { createParleyClient, type ClientEvent, type ParleyClient } from '@parley/shared/client';
import { loadAvatarUrl } from '../lib/avatar-images';
import { conversationTitle } from '../lib/conversation';
import { createLocalStorage } from './local-storage';
import { xhrUploadTransport } from './xhr-upload';

/**
 * The web host: the client core runs in the page. The same renderer build runs here (served
 * by the Parley server at `/`) and in Electron, where the preload provides `window.parley`
 * instead.
 */
export function createWebHost(): ParleyHost {
  const client = createParleyClient({
    storage: createLocalStorage(),
    // The offline shell shows the last conversation list and messages after an offline reload.
    cacheState: true,
    defaultServerUrl: location.origin,
    uploadTransport: xhrUploadTransport,
    // Tabs share one refresh token in localStorage. Two tabs refreshing at once would present
    // the same token twice, which the server reads as theft and answers by ending the session;
    // a Web Lock makes the tabs take turns (the core re-reads the stored token inside it).
    withRefreshLock:
      'locks' in navigator
        ? <T>(refresh: () => Promise<T>) =>
            navigator.locks.request('parley-token-refresh', refresh) as Promise<T>
        : undefined,
  });
  const navigateListeners = new Set<(target: NavigateTarget) => void>();
  const stateListeners = new Set<(update: StateUpdate) => void>();
  let stateSeq = 0;
  const snapshotUpdate = (): StateUpdate => ({
    kind: 'snapshot',
    seq: ++stateSeq,
    state: client.getSnapshot(),
  });
  const navigate = (target: NavigateTarget) => {
    for (const listener of [...navigateListeners]) listener(target);
  };

  window.addEventListener('online', () => client.networkChanged(true));
  window.addEventListener('offline', () => client.networkChanged(false));
  client.onEvent((event) => notify(client, event, navigate));
  client.start().catch((err: unknown) => {
    // The core reports connection trouble through its state; this is only for the unexpected.
    console.error('parley: the client core failed to start', err);
  });

  return {
    kind: 'web',
    getState: async () => client.getSnapshot(),
    // The core's states already share structure in this process: snapshots are enough.
    onState: (listener) => {
      stateListeners.add(listener);
      const unsubscribe = client.subscribe(() => listener(snapshotUpdate()));
      return () => {
        stateListeners.delete(listener);
        unsubscribe();
      };
    },
    resyncState: async () => {
      for (const listener of [...stateListeners]) listener(snapshotUpdate());
    },
    auth: {
      defaultServerUrl: () => client.auth.defaultServerUrl(),
      // Notification permission is asked for only when the user turns notifications on in
      // the settings, where the page says what they are for (never unprompted at sign-in).
      signIn: (input) => client.auth.signIn(input),
      signUp: (input) => client.auth.signUp(input),
      signOut: () => client.auth.signOut(),
      serverInfo: (serverUrl) => client.auth.serverInfo(serverUrl),
    },
    conversations: client.conversations,
    messages: client.messages,
    users: client.users,
    search: client.search,
    connection: client.connection,
    calls: client.calls,
    attachments: client.attachments,
    account: client.account,
    groups: client.groups,
    invites: client.invites,
    admin: client.admin,
    notifications: {
      get: async () => ({ ok: true, value: readPrefs() }),
      setMuted: async (conversationId, muted) => {
        if (typeof conversationId !== 'string' || conversationId === '')
          return { ok: false, error: 'A conversation id is needed', code: 'invalid_input' };
        const prefs = readPrefs();
        const others = prefs.mutedConversationIds.filter((id) => id !== conversationId);
        return writePrefs({ ...prefs, mutedConversationIds: muted ? [...others, conversationId] : others });
      },
      setDoNotDisturb: async (on) => writePrefs({ ...readPrefs(), doNotDisturb: on === true }),
    },
    onNavigate(listener) {
      navigateListeners.add(listener);
      return () => navigateListeners.delete(listener);
    },
  };
}

// This device's notification preferences (the desktop host keeps its own in its settings).
const PREFS_KEY = 'parley:notification-prefs';

function readPrefs(): NotificationPrefs {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(PREFS_KEY) ?? 'null');
    if (typeof raw === 'object' && raw !== null) {
      const { doNotDisturb, mutedConversationIds } = raw as Record<string, unknown>;
      return {
        doNotDisturb: doNotDisturb === true,
        mutedConversationIds: Array.isArray(mutedConversationIds)
          ? mutedConversationIds.filter((id): id is string => typeof id === 'string')
          : [],
      };
    }
  } catch {
    // Unreadable or unavailable storage: the defaults below.
  }
  return { doNotDisturb: false, mutedConversationIds: [] };
}

function writePrefs(prefs: NotificationPrefs): HostResult<NotificationPrefs> {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
    return { ok: true, value: prefs };
  } catch {
    return { ok: false, error: 'The browser would not store the setting', code: 'internal' };
  }
}

/**
 * A browser notification for a message from someone else while the tab is hidden, unless
 * Do-not-disturb is on or the conversation is muted (the desktop host's rules; the page
 * rings for calls itself, so calls never notify here).
 */
function notify(client: ParleyClient, event: ClientEvent, navigate: (target: NavigateTarget) => void): void {
  if (event.type !== 'message' || event.fromCatchUp) return;
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible') return;
  const state = client.getSnapshot();
  if (state.session.status !== 'signed-in') return;
  const me = state.session.user;
  const { message, conversation } = event;
  if (message.senderId === me.id) return;
  const prefs = readPrefs();
  if (prefs.doNotDisturb || prefs.mutedConversationIds.includes(conversation.id)) return;
  const sender =
    conversation.members.find((m) => m.id === message.senderId)?.displayName ?? t('names.someone');
  const title =
    conversation.type === 'group' ? `${sender} · ${conversationTitle(conversation, me.id)}` : sender;
  const body = message.kind === 'call' ? t('calls.record.call') : message.body.slice(0, 200);
  const show = (icon: string | null) => {
    try {
      const n = new Notification(title, { body, tag: conversation.id, ...(icon ? { icon } : {}) });
      n.onclick = () => {
        window.focus();
        navigate({ conversationId: conversation.id });
        n.close();
      };
    } catch {
      // Some browsers only allow notifications from a service worker; skip quietly.
    }
  };
  // The sender's picture as the icon, if it loads quickly (cached by avatarId); else none.
  const avatarId = conversation.members.find((m) => m.id === message.senderId)?.avatarId;
  if (!avatarId) return show(null);
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), PICTURE_WAIT_MS));
  void Promise.race([loadAvatarUrl(client, 'user', message.senderId, avatarId), timeout]).then(show);
}

/** How long a message notification may wait for its sender's picture (as on the desktop). */
const PICTURE_WAIT_MS = 1500;
