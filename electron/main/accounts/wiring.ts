/**
 * What each account gets in main besides its client core: its own notification policy (catch-up
 * summaries are per connection), notifier (replies, answers and pictures go to its client) and
 * call watch. Notices name the account once there are several ("Bob · Work"); clicking one, or
 * answering a call from it, switches the window to that account first.
 */
import type { NotificationPrefs } from '@parley/shared';
import { CallWatch } from '../call-watch.js';
import { NotificationPolicy, type Notice } from '../notification-policy.js';
import { Notifier } from '../notifier.js';
import type { Account } from './manager.js';

export interface AccountWiringDeps {
  /** How many accounts there are and what this one is called (its server). */
  accountCount(): number;
  label(account: Account): string;
  isActive(account: Account): boolean;
  /** Switch the window to this account and bring it up. */
  show(account: Account): void;
  /** Ask the renderer to open a conversation (of the active account, which `show` made this one). */
  navigate(conversationId: string): void;
  windowFocused(): boolean;
  /** The conversation on screen (of the active account). */
  openConversationId(): string | null;
  prefs(): NotificationPrefs;
  soundOn(): boolean;
  onShown(notice: Notice): void;
  /** The account's state changed. */
  onState(account: Account): void;
  /** This account has a call in progress (or no longer): the display is kept awake meanwhile. */
  callActive(account: Account, active: boolean): void;
  /** Call signals and upload progress of the active account go to the renderer. */
  forward(kind: 'callSignal' | 'uploadProgress', payload: unknown): void;
  warn(message: string, context: Record<string, unknown>): void;
}

/** The title with the account's name added when there is more than one account. */
export function namedNotice(notice: Notice, label: string, accountCount: number): Notice {
  return accountCount > 1 && label ? { ...notice, title: `${notice.title} · ${label}` } : notice;
}

/** Wires one account; returns what undoes it (the account is being removed). */
export function attachAccount(account: Account, deps: AccountWiringDeps): () => void {
  const { client } = account;
  const policy = new NotificationPolicy();
  const named = (notice: Notice) => namedNotice(notice, deps.label(account), deps.accountCount());
  const notifier = new Notifier({
    showWindow: () => deps.show(account),
    navigate: (conversationId) => deps.navigate(conversationId),
    onShown: (notice) => deps.onShown(notice),
    reply: (conversationId, body) =>
      void client.messages.send(conversationId, body).then((result) => {
        if (!result.ok) deps.warn('inline reply not queued', { code: result.code ?? null });
      }),
    answerCall: (callId) => void client.calls.accept(callId),
    declineCall: (callId) => void client.calls.reject(callId),
    soundOn: () => deps.soundOn(),
    picture: async (userId) => {
      const result = await client.account.avatar({ kind: 'user', id: userId });
      return result.ok && result.value ? result.value.bytes : null;
    },
  });
  const focusedHere = () => deps.isActive(account) && deps.windowFocused();
  const callWatch = new CallWatch({
    setActive: (active) => deps.callActive(account, active),
    stoppedRinging: (callId) => notifier.closeCall(callId),
    missed: (notice) => {
      if (!deps.prefs().doNotDisturb && !focusedHere()) notifier.show(named(notice));
    },
  });

  let signedIn = false;
  const unsubscribe = [
    client.subscribe(() => {
      const state = client.getSnapshot();
      // Signed out: what was pending or shown for this account is gone.
      if (signedIn && state.session.status !== 'signed-in') {
        policy.reset();
        notifier.clear();
      }
      signedIn = state.session.status === 'signed-in';
      callWatch.update(state.call);
      deps.onState(account);
    }),
    client.onEvent((event) => {
      const snapshot = client.getSnapshot();
      const notices = policy.handle(event, {
        selfUserId: snapshot.session.status === 'signed-in' ? snapshot.session.user.id : null,
        // Another account's messages are not on screen, whatever the window shows.
        windowFocused: focusedHere(),
        openConversationId: deps.isActive(account) ? deps.openConversationId() : null,
        prefs: deps.prefs(),
      });
      for (const notice of notices) notifier.show(named(notice));
    }),
    client.calls.onSignal((signal) => {
      if (deps.isActive(account)) deps.forward('callSignal', signal);
    }),
    client.attachments.onUploadProgress((progress) => {
      if (deps.isActive(account)) deps.forward('uploadProgress', progress);
    }),
  ];
  return () => {
    for (const stop of unsubscribe) stop();
    notifier.clear();
    deps.callActive(account, false);
  };
}
