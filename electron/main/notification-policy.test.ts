import { beforeEach, describe, expect, it } from 'vitest';
import { alice, bob, carol, conversation, message } from '../test/fixtures.js';
import { NotificationPolicy, type PolicyContext } from './notification-policy.js';

const direct = conversation();
const group = conversation({ id: 'c-group', type: 'group', title: 'Team', members: [alice, bob, carol] });

function context(overrides: Partial<PolicyContext> = {}): PolicyContext {
  return {
    selfUserId: alice.id,
    windowFocused: false,
    openConversationId: null,
    prefs: { doNotDisturb: false, mutedConversationIds: [] },
    ...overrides,
  };
}

describe('NotificationPolicy: live messages', () => {
  let policy: NotificationPolicy;
  beforeEach(() => {
    policy = new NotificationPolicy();
  });

  it('notifies a message from someone else while the window is unfocused', () => {
    const notices = policy.handle(
      { type: 'message', message: message({ body: 'hi   there' }), conversation: direct, fromCatchUp: false },
      context(),
    );
    expect(notices).toEqual([{ kind: 'message', conversationId: direct.id, title: 'Bob', body: 'hi there' }]);
  });

  it('names the sender’s picture, when they have one, for the notification icon', () => {
    const pictured = conversation({ members: [alice, { ...bob, avatarId: 'pic-1' }] });
    const notices = policy.handle(
      { type: 'message', message: message(), conversation: pictured, fromCatchUp: false },
      context(),
    );
    expect(notices).toEqual([expect.objectContaining({ picture: { userId: bob.id, avatarId: 'pic-1' } })]);
  });

  it('stays quiet when the window is focused on that conversation', () => {
    const notices = policy.handle(
      { type: 'message', message: message(), conversation: direct, fromCatchUp: false },
      context({ windowFocused: true, openConversationId: direct.id }),
    );
    expect(notices).toEqual([]);
  });

  it('notifies when the window is focused but another conversation is open', () => {
    const notices = policy.handle(
      {
        type: 'message',
        message: message({ conversationId: group.id, senderId: carol.id }),
        conversation: group,
        fromCatchUp: false,
      },
      context({ windowFocused: true, openConversationId: direct.id }),
    );
    // carol has no display name: the username stands in.
    expect(notices).toEqual([
      { kind: 'message', conversationId: group.id, title: 'carol in Team', body: expect.any(String) },
    ]);
  });

  it('notifies when the open conversation is on screen but the window is unfocused', () => {
    const notices = policy.handle(
      { type: 'message', message: message(), conversation: direct, fromCatchUp: false },
      context({ windowFocused: false, openConversationId: direct.id }),
    );
    expect(notices).toHaveLength(1);
  });

  it('never notifies the user about their own messages (sent from another device)', () => {
    const notices = policy.handle(
      { type: 'message', message: message({ senderId: alice.id }), conversation: direct, fromCatchUp: false },
      context(),
    );
    expect(notices).toEqual([]);
  });

  it('respects a muted conversation and do-not-disturb', () => {
    const event = { type: 'message', message: message(), conversation: direct, fromCatchUp: false } as const;
    expect(
      policy.handle(event, context({ prefs: { doNotDisturb: false, mutedConversationIds: [direct.id] } })),
    ).toEqual([]);
    expect(
      policy.handle(event, context({ prefs: { doNotDisturb: true, mutedConversationIds: [] } })),
    ).toEqual([]);
    // Muting another conversation changes nothing for this one.
    expect(
      policy.handle(event, context({ prefs: { doNotDisturb: false, mutedConversationIds: [group.id] } })),
    ).toHaveLength(1);
  });

  it('skips system and deleted messages, describes missed calls and cuts long bodies', () => {
    expect(
      policy.handle(
        { type: 'message', message: message({ kind: 'system' }), conversation: direct, fromCatchUp: false },
        context(),
      ),
    ).toEqual([]);
    expect(
      policy.handle(
        {
          type: 'message',
          message: message({ deletedAt: '2026-11-22T10:01:00.000Z' }),
          conversation: direct,
          fromCatchUp: false,
        },
        context(),
      ),
    ).toEqual([]);
    const missed = policy.handle(
      {
        type: 'message',
        message: message({
          kind: 'call',
          body: '',
          call: { callId: 'k1', media: 'video', outcome: 'missed' },
        }),
        conversation: direct,
        fromCatchUp: false,
      },
      context(),
    );
    expect(missed[0]?.body).toBe('Missed video call');
    // The same words as the app's message list (the shared call-record rule): a call the
    // caller cancelled was missed by this user, and a completed one says how long it was.
    const callBody = (outcome: 'cancelled' | 'completed') =>
      policy.handle(
        {
          type: 'message',
          message: message({
            kind: 'call',
            body: '',
            call: {
              callId: 'k2',
              media: 'video',
              outcome,
              durationSeconds: outcome === 'completed' ? 222 : null,
            },
          }),
          conversation: direct,
          fromCatchUp: false,
        },
        context(),
      )[0]?.body;
    expect(callBody('cancelled')).toBe('Missed video call');
    expect(callBody('completed')).toBe('Video call · 3:42');
    const long = policy.handle(
      {
        type: 'message',
        message: message({ body: 'x'.repeat(500) }),
        conversation: direct,
        fromCatchUp: false,
      },
      context(),
    );
    expect(long[0]?.body).toHaveLength(180);
    expect(long[0]?.body.endsWith('…')).toBe(true);
  });
});

describe('NotificationPolicy: catch-up after being offline', () => {
  it('collects catch-up messages and shows one summary when catch-up is done', () => {
    const policy = new NotificationPolicy();
    const ctx = context();
    for (let i = 0; i < 5; i++) {
      expect(
        policy.handle({ type: 'message', message: message(), conversation: direct, fromCatchUp: true }, ctx),
      ).toEqual([]);
    }
    for (let i = 0; i < 3; i++) {
      const groupMessage = message({ conversationId: group.id, senderId: carol.id });
      expect(
        policy.handle(
          { type: 'message', message: groupMessage, conversation: group, fromCatchUp: true },
          ctx,
        ),
      ).toEqual([]);
    }
    // Own messages from another device are not counted.
    policy.handle(
      { type: 'message', message: message({ senderId: alice.id }), conversation: direct, fromCatchUp: true },
      ctx,
    );

    const notices = policy.handle({ type: 'catch-up:done', newMessages: 9 }, ctx);
    expect(notices).toEqual([
      { kind: 'summary', conversationId: null, title: 'Parley', body: '8 new messages in 2 conversations' },
    ]);
    // The summary is shown once; a second catch-up with nothing new says nothing.
    expect(policy.handle({ type: 'catch-up:done', newMessages: 0 }, ctx)).toEqual([]);
  });

  it('summarises a single conversation with a link to it, and a single message as itself', () => {
    const policy = new NotificationPolicy();
    policy.handle(
      { type: 'message', message: message(), conversation: direct, fromCatchUp: true },
      context(),
    );
    policy.handle(
      { type: 'message', message: message(), conversation: direct, fromCatchUp: true },
      context(),
    );
    expect(policy.handle({ type: 'catch-up:done', newMessages: 2 }, context())).toEqual([
      { kind: 'summary', conversationId: direct.id, title: 'Parley', body: '2 new messages in Bob' },
    ]);

    policy.handle(
      { type: 'message', message: message({ body: 'only one' }), conversation: direct, fromCatchUp: true },
      context(),
    );
    expect(policy.handle({ type: 'catch-up:done', newMessages: 1 }, context())).toEqual([
      { kind: 'message', conversationId: direct.id, title: 'Bob', body: 'only one' },
    ]);
  });

  it('leaves out the conversation the user is looking at by the time catch-up ends', () => {
    const policy = new NotificationPolicy();
    policy.handle(
      { type: 'message', message: message(), conversation: direct, fromCatchUp: true },
      context(),
    );
    const notices = policy.handle(
      { type: 'catch-up:done', newMessages: 1 },
      context({ windowFocused: true, openConversationId: direct.id }),
    );
    expect(notices).toEqual([]);
  });

  it('says nothing during do-not-disturb and forgets collected messages on reset', () => {
    const policy = new NotificationPolicy();
    policy.handle(
      { type: 'message', message: message(), conversation: direct, fromCatchUp: true },
      context(),
    );
    expect(
      policy.handle(
        { type: 'catch-up:done', newMessages: 1 },
        context({ prefs: { doNotDisturb: true, mutedConversationIds: [] } }),
      ),
    ).toEqual([]);
    policy.handle(
      { type: 'message', message: message(), conversation: direct, fromCatchUp: true },
      context(),
    );
    policy.reset();
    expect(policy.handle({ type: 'catch-up:done', newMessages: 1 }, context())).toEqual([]);
  });
});

describe('NotificationPolicy: incoming calls', () => {
  const call = { callId: 'k1', conversationId: group.id, from: carol, media: 'audio' as const };

  it('notifies an incoming call while the window is unfocused, even in a muted conversation', () => {
    const notices = new NotificationPolicy().handle(
      { type: 'call:incoming', call },
      context({ prefs: { doNotDisturb: false, mutedConversationIds: [group.id] } }),
    );
    expect(notices).toEqual([
      { kind: 'call', conversationId: group.id, callId: 'k1', title: 'carol', body: 'Incoming voice call' },
    ]);
  });

  it('names the caller’s picture, when they have one, for the notification icon', () => {
    const notices = new NotificationPolicy().handle(
      { type: 'call:incoming', call: { ...call, from: { ...carol, avatarId: 'pic-c' } } },
      context(),
    );
    expect(notices).toEqual([expect.objectContaining({ picture: { userId: carol.id, avatarId: 'pic-c' } })]);
  });

  it('lets the in-app call UI do the talking when focused, and stays silent in do-not-disturb', () => {
    const policy = new NotificationPolicy();
    expect(policy.handle({ type: 'call:incoming', call }, context({ windowFocused: true }))).toEqual([]);
    expect(
      policy.handle(
        { type: 'call:incoming', call },
        context({ prefs: { doNotDisturb: true, mutedConversationIds: [] } }),
      ),
    ).toEqual([]);
  });
});
