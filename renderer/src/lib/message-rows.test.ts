import { describe, expect, it } from 'vitest';
import type { MessageView } from '@parley/shared';
import { buildMessageRows, firstItemIndexFor, lastStoredSeq } from './message-rows';

const base = new Date(2026, 10, 22, 10, 0).getTime();
let n = 0;
function msg(seq: number, senderId: string, minutes: number, extra: Partial<MessageView> = {}): MessageView {
  n++;
  return {
    id: `m${n}`,
    conversationId: 'c1',
    seq,
    senderId,
    clientId: `c${n}`,
    kind: 'text',
    body: `message ${seq}`,
    createdAt: new Date(base + minutes * 60_000).toISOString(),
    status: 'sent',
    ...extra,
  };
}

describe('buildMessageRows', () => {
  it('groups consecutive messages from one sender within a few minutes', () => {
    const rows = buildMessageRows(
      [msg(1, 'a', 0), msg(2, 'a', 1), msg(3, 'a', 20), msg(4, 'me', 21), msg(5, 'me', 22)],
      'me',
      null,
    );
    expect(rows.map((r) => [r.groupStart, r.groupEnd])).toEqual([
      [true, false],
      [false, true],
      [true, true], // 19 minutes later: a new group
      [true, false],
      [false, true],
    ]);
    expect(rows.map((r) => r.mine)).toEqual([false, false, false, true, true]);
  });

  it('puts a day separator on the first message of each day', () => {
    const rows = buildMessageRows([msg(1, 'a', 0), msg(2, 'a', 1), msg(3, 'a', 24 * 60)], 'me', null);
    expect(rows.map((r) => r.dayBreak)).toEqual([true, false, true]);
    expect(rows[2]?.groupStart).toBe(true);
  });

  it('puts "New messages" above the first unread message from someone else, once', () => {
    const rows = buildMessageRows(
      [msg(1, 'a', 0), msg(2, 'me', 1), msg(3, 'me', 2), msg(4, 'a', 3), msg(5, 'a', 4)],
      'me',
      1,
    );
    expect(rows.map((r) => r.unreadBreak)).toEqual([false, false, false, true, false]);
    // The divider also breaks the group above it.
    expect(rows[2]?.groupEnd).toBe(true);
  });

  it('never groups call records with text', () => {
    const rows = buildMessageRows(
      [
        msg(1, 'a', 0),
        msg(2, 'a', 1, { kind: 'call', call: { callId: 'x', media: 'audio', outcome: 'missed' } }),
      ],
      'me',
      null,
    );
    expect(rows[0]?.groupEnd).toBe(true);
    expect(rows[1]?.groupStart).toBe(true);
  });

  it('runs consecutive call records together, so only the last offers "Call back"', () => {
    const call = (seq: number, sender: string, minutes: number) =>
      msg(seq, sender, minutes, {
        kind: 'call',
        call: { callId: `k${seq}`, media: 'audio', outcome: 'missed' },
      });
    const rows = buildMessageRows(
      [call(1, 'a', 0), call(2, 'me', 30), call(3, 'a', 90), msg(4, 'a', 91), call(5, 'a', 92)],
      'me',
      null,
    );
    expect(rows.map((r) => [r.groupStart, r.groupEnd])).toEqual([
      [true, false],
      [false, false],
      [false, true],
      [true, true],
      [true, true],
    ]);
  });

  it('keys rows by clientId so a pending message keeps its row when acknowledged', () => {
    const pending = msg(0, 'me', 5, { status: 'pending', clientId: 'local-1', id: 'local-1' });
    const sent = { ...pending, id: 'server-9', seq: 9, status: 'sent' as const };
    expect(buildMessageRows([pending], 'me', null)[0]?.key).toBe(
      buildMessageRows([sent], 'me', null)[0]?.key,
    );
  });
});

describe('firstItemIndexFor', () => {
  it('drops by exactly the number of prepended messages', () => {
    const page2 = [msg(51, 'a', 0), msg(52, 'a', 1)];
    const page1 = [msg(49, 'a', 0), msg(50, 'a', 0)];
    expect(firstItemIndexFor(page2, 52) - firstItemIndexFor([...page1, ...page2], 52)).toBe(2);
  });

  it('does not move when a pending-only window gets its first stored message', () => {
    const pending = msg(0, 'me', 0, { status: 'pending' });
    expect(firstItemIndexFor([pending], 0)).toBe(
      firstItemIndexFor([{ ...pending, seq: 1, status: 'sent' }], 1),
    );
  });

  it('lastStoredSeq skips pending and failed messages', () => {
    expect(lastStoredSeq([msg(3, 'a', 0), msg(0, 'me', 1, { status: 'pending' })])).toBe(3);
    expect(lastStoredSeq([])).toBe(0);
  });
});
