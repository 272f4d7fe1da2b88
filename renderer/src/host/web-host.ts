import type { ParleyHost } from '@parley/shared';
import { createParleyClient, type ClientEvent, type ParleyClient } from '@parley/shared/client';
import { conversationTitle } from '../lib/conversation';
import { OPEN_CONVERSATION_EVENT } from '../lib/events';
import { createLocalStorage } from './local-storage';

/**
 * The web host: the client core runs in the page. The same renderer build runs here (served
 * by the Parley server at `/`) and in Electron, where the preload provides `window.parley`
 * instead.
 */
export function createWebHost(): ParleyHost {
  const client = createParleyClient({
    storage: createLocalStorage(),
    defaultServerUrl: location.origin,
  });

  window.addEventListener('online', () => client.networkChanged(true));
  window.addEventListener('offline', () => client.networkChanged(false));
  client.onEvent((event) => notify(client, event));
  client.start().catch((err: unknown) => {
    // The core reports connection trouble through its state; this is only for the unexpected.
    console.error('parley: the client core failed to start', err);
  });

  return {
    kind: 'web',
    getState: async () => client.getSnapshot(),
    onState: (listener) => client.subscribe(() => listener(client.getSnapshot())),
    auth: {
      defaultServerUrl: () => client.auth.defaultServerUrl(),
      async signIn(input) {
        const r = await client.auth.signIn(input);
        if (r.ok) askNotificationPermission();
        return r;
      },
      async signUp(input) {
        const r = await client.auth.signUp(input);
        if (r.ok) askNotificationPermission();
        return r;
      },
      signOut: () => client.auth.signOut(),
    },
    conversations: client.conversations,
    messages: client.messages,
    users: client.users,
    connection: client.connection,
    calls: client.calls,
  };
}

/**
 * Asked once, right after an explicit sign-in (a user gesture), never on page load:
 * browsers penalise sites that prompt unprompted, and users dismiss such prompts.
 */
function askNotificationPermission(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  void Notification.requestPermission().catch(() => undefined);
}

/** A browser notification for a message from someone else while the tab is hidden. */
function notify(client: ParleyClient, event: ClientEvent): void {
  if (event.type !== 'message' || event.fromCatchUp) return;
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible') return;
  const state = client.getSnapshot();
  if (state.session.status !== 'signed-in') return;
  const me = state.session.user;
  const { message, conversation } = event;
  if (message.senderId === me.id) return;
  const sender = conversation.members.find((m) => m.id === message.senderId)?.displayName ?? 'Someone';
  const title =
    conversation.type === 'group' ? `${sender} · ${conversationTitle(conversation, me.id)}` : sender;
  const body = message.kind === 'call' ? 'Call' : message.body.slice(0, 200);
  try {
    const n = new Notification(title, { body, tag: conversation.id });
    n.onclick = () => {
      window.focus();
      window.dispatchEvent(new CustomEvent(OPEN_CONVERSATION_EVENT, { detail: conversation.id }));
      n.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker; skip quietly.
  }
}
