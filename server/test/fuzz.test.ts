/**
 * Fuzzing (issue 11) with fast-check: every socket event and every HTTP endpoint, fed
 * arbitrary and half-valid input by a signed-in user, must answer (no hang), never with a 5xx
 * or `internal`, always in the error shape, and a refused socket request changes nothing.
 * The server stays healthy throughout.
 *
 *   npx vitest run server/test/fuzz.test.ts              short (part of npm test)
 *   npm run test:fuzz                                    full (PARLEY_FUZZ_RUNS=2000)
 */
import { clientEventNames, ERROR_CODES, type Ack, type HealthResponse } from '@parley/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  connectSocket,
  createConversation,
  registerUser,
  sendMessage,
  startTestServer,
  type ClientSocket,
  type TestServer,
  type TestUser,
} from './harness.js';

const RUNS = Number(process.env.PARLEY_FUZZ_RUNS ?? 150);
const ANSWER_MS = 5000;
const KNOWN_CODES = new Set<string>(ERROR_CODES.filter((c) => c !== 'internal'));

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let socket: ClientSocket;
let conversationId: string;
let messageId: string;
beforeAll(async () => {
  server = await startTestServer({ messageRate: 1_000_000, callRate: 1_000_000 });
  alice = await registerUser(server.url);
  bob = await registerUser(server.url);
  conversationId = (await createConversation(server.url, alice.accessToken, [bob.user.id])).id;
  socket = await connectSocket(server.url, alice.accessToken);
  const sent = await sendMessage(socket, conversationId, 'the first message');
  if (!sent.ok) throw new Error('setup send failed');
  messageId = sent.message.id;
});
afterAll(async () => {
  socket?.close();
  await server.close();
});

const EVENTS: string[] = clientEventNames;

/** Strings that tend to break things: huge, empty, control characters, lone surrogates, ids. */
const nasty = () =>
  fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 50 }),
    fc.constantFrom('', ' ', '\u0000', '\ud800', 'x'.repeat(5000), '../../etc/passwd', '%00', 'null'),
    fc.constant(conversationId),
    fc.constant(messageId),
    fc.uuid(),
  );
const value = () =>
  fc.oneof(
    nasty(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(nasty(), { maxLength: 3 }),
  );

/** A payload near a valid one: the real fields, some replaced or dropped, extra ones added. */
const payload = () =>
  fc.oneof(
    fc.anything(),
    fc.record(
      {
        conversationId: fc.oneof(fc.constant(conversationId), value()),
        messageId: fc.oneof(fc.constant(messageId), value()),
        callId: value(),
        clientId: fc.oneof(fc.uuid(), value()),
        body: fc.oneof(fc.string({ maxLength: 100 }), value()),
        emoji: fc.oneof(fc.constantFrom('👍', '❤️'), value()),
        on: fc.oneof(fc.boolean(), value()),
        seq: fc.oneof(fc.integer({ min: -5, max: 10 }), value()),
        media: fc.oneof(fc.constantFrom('audio', 'video'), value()),
        replyToId: value(),
        attachmentIds: fc.oneof(fc.array(fc.uuid(), { maxLength: 12 }), value()),
        signal: fc.oneof(fc.object(), value()),
        to: value(),
      },
      { requiredKeys: [] },
    ),
  );

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer: ${what}`)), ANSWER_MS)),
  ]);
}

const conversationVersion = async () =>
  (await server.server.repository.getConversation(conversationId, alice.user.id))?.version;

describe('fuzzing', { timeout: 600_000 }, () => {
  it('socket events: always answered, never internal, refused ones change nothing', async () => {
    const emit = socket.emitWithAck.bind(socket) as unknown as (e: string, p: unknown) => Promise<unknown>;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...EVENTS), fc.string()), payload(), async (event, data) => {
        // Socket.IO reserves these names on the client side.
        if (
          [
            'connect',
            'connect_error',
            'disconnect',
            'disconnecting',
            'newListener',
            'removeListener',
          ].includes(event)
        )
          return;
        const before = await conversationVersion();
        const answer = (await withTimeout(emit(event, data), event)) as Ack<object>;
        expect(typeof answer.ok).toBe('boolean');
        if (!answer.ok) {
          expect(KNOWN_CODES.has(answer.error.code), JSON.stringify(answer.error)).toBe(true);
          expect(typeof answer.error.message).toBe('string');
          // The one refusal that records something, by the contract: a call nobody could
          // take is `unavailable` and leaves a missed-call record.
          const recorded = event === 'call:initiate' && answer.error.code === 'unavailable';
          if (!recorded) expect(await conversationVersion()).toBe(before);
          // That record is stored just after the answer: wait for it, so it is not taken for
          // a change made by the next request.
          for (let i = 0; recorded && i < 100 && (await conversationVersion()) === before; i++)
            await new Promise((r) => setTimeout(r, 20));
        }
        expect(socket.connected).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('HTTP endpoints: never a 5xx, always the error shape', async () => {
    const templates = [
      'GET /api/conversations',
      'POST /api/conversations',
      'GET /api/conversations/:c/messages',
      'GET /api/conversations/:c/changes',
      'PATCH /api/conversations/:c',
      'POST /api/conversations/:c/members',
      'DELETE /api/conversations/:c/members/:u',
      'PUT /api/conversations/:c/members/:u/role',
      'GET /api/users',
      'GET /api/me',
      'PATCH /api/me',
      'POST /api/me/password',
      'GET /api/me/sessions',
      'DELETE /api/me/sessions/:x',
      'DELETE /api/me',
      'GET /api/search',
      'GET /api/attachments/:x',
      'GET /api/attachments/:x/thumbnail',
      'POST /api/attachments',
      'GET /api/invites',
      'POST /api/invites',
      'DELETE /api/invites/:x',
      'GET /api/admin/users',
      'GET /api/admin/audit',
      'POST /api/admin/users/:u/deactivate',
      'POST /api/admin/users/:u/password',
      'PUT /api/admin/users/:u/role',
      'POST /api/auth/login',
      'POST /api/auth/refresh',
      'POST /api/auth/logout',
      'GET /api/ice-servers',
      'GET /api/server',
      'GET /invite/:x',
    ];
    const segment = () =>
      fc.oneof(
        fc.constant(conversationId),
        fc.constant(bob.user.id),
        fc.uuid(),
        fc.string({ maxLength: 80 }),
      );
    const query = () =>
      fc.dictionary(
        fc.constantFrom(
          'q',
          'limit',
          'before',
          'afterSeq',
          'beforeSeq',
          'aroundSeq',
          'sinceVersion',
          'conversationId',
        ),
        fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String)),
        { maxKeys: 3 },
      );
    const body = () =>
      fc.oneof(
        fc.constant(undefined),
        fc.json().map((j) => ({ raw: j })),
        fc.string({ maxLength: 50 }).map((s) => ({ raw: s })),
        payload().map((p) => ({ raw: JSON.stringify(p ?? null) ?? 'null' })),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...templates),
        segment(),
        segment(),
        query(),
        body(),
        fc.boolean(),
        async (template, a, b, q, payloadBody, authed) => {
          const [method, pattern] = template.split(' ') as [string, string];
          let path = pattern
            .replace(':c', encodeURIComponent(a))
            .replace(':u', encodeURIComponent(b))
            .replace(':x', encodeURIComponent(a));
          const search = new URLSearchParams(q).toString();
          if (search) path += `?${search}`;
          const res = await withTimeout(
            api<{ error?: { code: string; message: string } }>(server.url, path, {
              method,
              token: authed ? alice.accessToken : undefined,
              ...(payloadBody && method !== 'GET' ? { body: payloadBody.raw } : {}),
            }),
            `${method} ${path}`,
          );
          expect(res.status, `${method} ${path} ${JSON.stringify(res.body)}`).toBeLessThan(500);
          if (res.status >= 400) {
            expect(KNOWN_CODES.has(res.body.error?.code ?? ''), `${method} ${path}`).toBe(true);
            expect(typeof res.body.error?.message).toBe('string');
          }
        },
      ),
      { numRuns: RUNS },
    );
    // Alice is still who she was, and the server is fine.
    expect((await api(server.url, '/api/me', { token: alice.accessToken })).status).toBe(200);
    expect((await api<HealthResponse>(server.url, '/health')).body.status).toBe('ok');
  });
});
