import {
  initialClientState,
  type CallSignal,
  type ClientState,
  type Conversation,
  type HostResult,
  type MessageView,
  type ParleyHost,
  type StateUpdate,
  type User,
} from '@parley/shared';
import { matchesQuery } from '../search/highlight';

/**
 * An in-memory ParleyHost with demo data, for `?demo` mode and for designing the UI without
 * a server. Replies, typing and receipts are simulated; nothing leaves the page.
 */
export function createFakeHost(options: { signedIn?: boolean } = {}): ParleyHost {
  const now = Date.now();
  const min = 60_000;
  const iso = (t: number) => new Date(t).toISOString();
  const me: User = { id: 'u-me', username: 'sam', displayName: 'Sam Rivera' };
  const people: User[] = [
    { id: 'u-alice', username: 'alice', displayName: 'Alice Martin', online: true },
    { id: 'u-bob', username: 'bob', displayName: 'Bob Chen', online: false, lastSeenAt: iso(now - 42 * min) },
    { id: 'u-chloe', username: 'chloe', displayName: 'Chloé Dubois', online: true },
    {
      id: 'u-dev',
      username: 'devon',
      displayName: 'Devon Okafor',
      online: false,
      lastSeenAt: iso(now - 3 * 1440 * min),
    },
    { id: 'u-eli', username: 'eli', displayName: 'Eli Novak', online: false, lastSeenAt: iso(now - 5 * min) },
  ];
  const byId = new Map([me, ...people].map((u) => [u.id, u]));
  let idCounter = 1;
  const nextId = (p: string) => `${p}-${idCounter++}`;

  const messages: Record<string, MessageView[]> = {};
  const conversations: Conversation[] = [];

  function addConversation(
    id: string,
    type: 'direct' | 'group',
    members: User[],
    title?: string,
    createdAgo = 9000,
  ) {
    conversations.push({
      id,
      type,
      title: title ?? null,
      members: [me, ...members],
      lastMessage: null,
      lastSeq: 0,
      readSeq: 0,
      unreadCount: 0,
      createdAt: iso(now - createdAgo * min),
    });
    messages[id] = [];
  }
  function seed(
    convId: string,
    senderId: string,
    body: string,
    ago: number,
    extra: Partial<MessageView> = {},
  ) {
    const list = messages[convId] ?? [];
    const seq = list.length + 1;
    list.push({
      id: nextId('m'),
      conversationId: convId,
      seq,
      senderId,
      clientId: nextId('c'),
      kind: 'text',
      body,
      createdAt: iso(now - ago * min),
      status: 'sent',
      ...extra,
    });
    messages[convId] = list;
  }

  addConversation('c-alice', 'direct', [people[0]!]);
  seed('c-alice', 'u-alice', 'Morning! Did you get a chance to look at the onboarding flow?', 1600);
  seed('c-alice', 'u-me', 'Yes — left a few comments in the doc.', 1590);
  seed('c-alice', 'u-me', 'The server address step is the only thing that felt heavy.', 1589);
  seed('c-alice', 'u-alice', 'Agreed. What if we prefill it from the invite link?', 1580);
  seed('c-alice', 'u-alice', '', 1500, {
    kind: 'call',
    call: { callId: 'k1', media: 'video', outcome: 'completed', durationSeconds: 222 },
  });
  seed('c-alice', 'u-me', 'Thanks for the call. I will write it up.', 1498);
  seed('c-alice', 'u-alice', 'Perfect 🙌', 1497);
  seed('c-alice', 'u-alice', 'Quick one: are we still shipping the dark theme this week?', 38);
  seed('c-alice', 'u-me', 'We are. Screenshots coming shortly.', 36);
  seed('c-alice', 'u-alice', 'Amazing. Ping me when the build is up and I will test it on my laptop.', 3);
  seed('c-alice', 'u-alice', 'Also the reconnect banner looks much calmer now 👌', 2);

  addConversation('c-design', 'group', [people[0]!, people[2]!, people[3]!], 'Design team');
  seed('c-design', 'u-chloe', 'New icon set is in Figma', 300);
  seed('c-design', 'u-dev', 'Looks great. Can we try a slightly warmer accent?', 200);
  seed('c-design', 'u-chloe', 'Trying a few now', 20);
  seed('c-design', 'u-chloe', 'Posted three options, vote by tomorrow', 14);

  addConversation('c-bob', 'direct', [people[1]!]);
  seed('c-bob', 'u-bob', '', 1440 * 2, {
    kind: 'call',
    call: { callId: 'k2', media: 'audio', outcome: 'missed' },
  });
  seed('c-bob', 'u-me', 'Sorry, missed your call — free after 4?', 1440 * 2 - 10);
  seed('c-bob', 'u-bob', 'Sure, talk then', 1440 * 2 - 5);

  addConversation('c-eli', 'direct', [people[4]!]);
  seed('c-eli', 'u-me', 'Can you send me the release notes draft?', 1440 * 9);
  seed('c-alice', 'u-me', 'Uploading the build to the staging server now', 1, { status: 'failed', seq: 0 });
  seed('c-alice', 'u-me', 'Should be up in a minute', 0, { status: 'pending', seq: 0 });

  const windows = () => {
    const out: ClientState['messages'] = {};
    for (const [id, items] of Object.entries(messages)) {
      if (loaded.has(id)) out[id] = { items, hasOlder: false, loadingOlder: false };
    }
    return out;
  };
  const loaded = new Set<string>();
  const reads: ClientState['reads'] = {
    'c-alice': { 'u-alice': 9 },
    'c-bob': { 'u-bob': 2 },
    'c-design': { 'u-chloe': 4 },
  };
  const unread: Record<string, number> = { 'c-alice': 2, 'c-design': 2 };
  const typing: ClientState['typing'] = {};
  let openId: string | null = null;

  function conversationsView(): Conversation[] {
    return conversations
      .map((c) => {
        const list = messages[c.id] ?? [];
        const last = [...list].reverse().find((m) => m.status === 'sent') ?? null;
        const lastSeq = last?.seq ?? 0;
        const u = unread[c.id] ?? 0;
        return {
          ...c,
          lastMessage: list[list.length - 1] ?? null,
          lastSeq,
          readSeq: lastSeq - u,
          unreadCount: u,
        };
      })
      .sort(
        (a, b) =>
          Date.parse(b.lastMessage?.createdAt ?? b.createdAt) -
          Date.parse(a.lastMessage?.createdAt ?? a.createdAt),
      );
  }

  let state: ClientState = {
    ...initialClientState,
    session:
      options.signedIn === false
        ? { status: 'signed-out', serverUrl: null, error: null }
        : { status: 'signed-in', serverUrl: 'https://parley.example.org', user: me },
    connection: { status: 'connected', nextRetryAt: null, attempt: 0, lastError: null },
  };
  const listeners = new Set<(update: StateUpdate) => void>();
  let stateSeq = 0;
  const snapshotUpdate = (): StateUpdate => ({ kind: 'snapshot', seq: ++stateSeq, state });
  function emit() {
    const presence: ClientState['presence'] = {};
    for (const p of people) presence[p.id] = { online: p.online ?? false, lastSeenAt: p.lastSeenAt ?? null };
    state = {
      ...state,
      conversations: conversationsView(),
      messages: windows(),
      typing: { ...typing },
      reads: structuredClone(reads),
      presence,
    };
    for (const l of listeners) l(snapshotUpdate());
  }
  emit();

  const ok = <T = void>(value?: T): HostResult<T> => ({ ok: true, value: value as T });

  function receive(convId: string, senderId: string, body: string) {
    const list = messages[convId] ?? [];
    const seq = list.filter((m) => m.status === 'sent').length + 1;
    list.push({
      id: nextId('m'),
      conversationId: convId,
      seq,
      senderId,
      clientId: nextId('c'),
      kind: 'text',
      body,
      createdAt: new Date().toISOString(),
      status: 'sent',
    });
    messages[convId] = list;
    if (openId !== convId || document.hidden) unread[convId] = (unread[convId] ?? 0) + 1;
    emit();
  }

  const host: ParleyHost = {
    kind: 'web',
    getState: async () => state,
    onState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    resyncState: async () => {
      for (const l of listeners) l(snapshotUpdate());
    },
    auth: {
      defaultServerUrl: async () => location.origin,
      async signIn(input) {
        if (input.password.length < 8) {
          state = {
            ...state,
            session: {
              status: 'signed-out',
              serverUrl: input.serverUrl,
              error: 'Wrong username or password.',
            },
          };
          emit();
          return { ok: false, error: 'Wrong username or password.', code: 'invalid_credentials' };
        }
        state = { ...state, session: { status: 'signed-in', serverUrl: input.serverUrl, user: me } };
        emit();
        return ok();
      },
      async signUp(input) {
        return host.auth.signIn(input);
      },
      serverInfo: async () => ok({ name: 'Demo', registration: 'open' as const }),
      async signOut() {
        state = {
          ...state,
          session: { status: 'signed-out', serverUrl: 'https://parley.example.org', error: null },
        };
        emit();
        return ok();
      },
    },
    conversations: {
      async open(id) {
        openId = id;
        if (id) loaded.add(id);
        emit();
        return ok();
      },
      loadOlder: async () => ok(),
      loadAround: async () => ok(),
      async markRead(id) {
        if (unread[id]) {
          unread[id] = 0;
          emit();
        }
        return ok();
      },
      async createDirect(userId) {
        const existing = conversations.find(
          (c) => c.type === 'direct' && c.members.some((m) => m.id === userId),
        );
        if (existing) return ok(existing);
        const user = byId.get(userId);
        if (!user) return { ok: false, error: 'No such user.', code: 'not_found' };
        const id = nextId('c');
        addConversation(id, 'direct', [user], undefined, 0);
        emit();
        return ok(state.conversations.find((c) => c.id === id)!);
      },
      async createGroup(title, memberIds) {
        const id = nextId('c');
        addConversation(
          id,
          'group',
          memberIds.map((m) => byId.get(m)).filter((u): u is User => !!u),
          title,
          0,
        );
        emit();
        return ok(state.conversations.find((c) => c.id === id)!);
      },
    },
    messages: {
      async send(conversationId, body) {
        const clientId = nextId('cl');
        const list = messages[conversationId] ?? [];
        const item: MessageView = {
          id: clientId,
          conversationId,
          seq: 0,
          senderId: me.id,
          clientId,
          kind: 'text',
          body: body.trim(),
          createdAt: new Date().toISOString(),
          status: 'pending',
        };
        list.push(item);
        messages[conversationId] = list;
        emit();
        setTimeout(() => {
          const seq = list.filter((m) => m.status === 'sent').length + 1;
          const i = list.indexOf(item);
          list[i] = { ...item, id: nextId('m'), seq, status: 'sent' };
          emit();
          const conv = conversations.find((c) => c.id === conversationId);
          const peer = conv?.members.find((m) => m.id !== me.id);
          if (!conv || !peer) return;
          setTimeout(() => {
            reads[conversationId] = { ...reads[conversationId], [peer.id]: seq };
            typing[conversationId] = [peer.id];
            emit();
          }, 700);
          setTimeout(() => {
            typing[conversationId] = [];
            receive(conversationId, peer.id, 'Got it 👍');
          }, 2400);
        }, 350);
        return ok({ clientId });
      },
      retry: async () => ok(),
      discard: async () => ok(),
      setTyping: async () => ok(),
      // The fake keeps no history of changes; the demo only needs the calls to resolve.
      edit: async () => ok(),
      delete: async () => ok(),
      react: async () => ok(),
    },
    users: {
      async search(q) {
        const s = q.trim().toLowerCase();
        return ok(
          people.filter((p) => !s || p.username.startsWith(s) || p.displayName.toLowerCase().startsWith(s)),
        );
      },
    },
    search: {
      async messages(query, options) {
        if (query.trim().length < 2)
          return { ok: false, error: 'q: must be at least 2 characters', code: 'invalid_input' };
        const hits = Object.values(messages)
          .flat()
          .filter(
            (m) =>
              m.status === 'sent' &&
              m.kind === 'text' &&
              !m.deletedAt &&
              (!options?.conversationId || m.conversationId === options.conversationId) &&
              matchesQuery(m.body, query),
          )
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        return ok(hits.slice(0, options?.limit ?? 20));
      },
    },
    connection: { retryNow: async () => ok() },
    // Demo mode: the account pages show, changes are not kept.
    account: {
      get: async () =>
        ok({ user: me, serverRole: 'admin' as const, registration: 'invite', invitesBy: 'admins' }),
      updateProfile: async ({ displayName }) => ok({ ...me, displayName }),
      setAvatar: async () => ok(me),
      removeAvatar: async () => ok(me),
      changePassword: async () => ok(),
      listSessions: async () => ok([]),
      revokeSession: async () => ok(),
      deleteAccount: async () => ({ ok: false, error: 'Not in demo mode.', code: 'unsupported' }),
      avatar: async () => ok(null),
    },
    groups: {
      rename: async (id) => ok(state.conversations.find((c) => c.id === id)!),
      setAvatar: async (id) => ok(state.conversations.find((c) => c.id === id)!),
      addMembers: async (id) => ok(state.conversations.find((c) => c.id === id)!),
      removeMember: async () => ok(),
      leave: async () => ok(),
      setRole: async (id) => ok(state.conversations.find((c) => c.id === id)!),
    },
    invites: {
      create: async () => ({ ok: false, error: 'Not in demo mode.', code: 'unsupported' }),
      list: async () => ok([]),
      revoke: async () => ok(),
    },
    admin: {
      listUsers: async () => ok([]),
      deactivate: async () => ok(),
      resetPassword: async () => ok(),
      setRole: async () => ok(),
    },
    calls: {
      iceServers: async () => ok({ iceServers: [], ttlSeconds: 0 }),
      initiate: async () => ({ ok: false, error: 'Calls are not available in demo mode.' }),
      accept: async () => ok(),
      reject: async () => ok(),
      cancel: async () => ok(),
      end: async () => ok(),
      dismiss: async () => ok(),
      sendSignal: async () => ok(),
      onSignal: (_l: (s: CallSignal) => void) => () => {},
    },
    attachments: {
      upload: async () => ({
        ok: false,
        error: 'Files are not available in demo mode.',
        code: 'unsupported',
      }),
      cancelUpload: async () => ok(),
      onUploadProgress: () => () => {},
      read: async () => ({ ok: false, error: 'Files are not available in demo mode.', code: 'not_found' }),
    },
  };
  return host;
}
