import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Repository } from '../storage/repository.js';
import { recordAudit } from './record.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

describe('recordAudit', () => {
  it('logs a JSON line with audit: true and stores the same entry', async () => {
    const { lines, logger } = capture();
    const stored: unknown[] = [];
    const repo = {
      appendAudit: (e: unknown) => {
        stored.push(e);
        return Promise.resolve();
      },
    };
    await recordAudit({ repo: repo as unknown as Repository, logger }, null, {
      action: 'admin.role_changed',
      actorId: 'u1',
      targetId: 'u2',
      details: { role: 'admin' },
    });
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      audit: true,
      action: 'admin.role_changed',
      actorId: 'u1',
      targetId: 'u2',
      ip: null,
      details: { role: 'admin' },
      msg: 'audit: admin.role_changed',
    });
    expect(stored).toEqual([
      expect.objectContaining({ action: 'admin.role_changed', actorId: 'u1', details: { role: 'admin' } }),
    ]);
  });

  it('keeps going when the entry cannot be stored (the action already happened)', async () => {
    const { lines, logger } = capture();
    const repo = { appendAudit: () => Promise.reject(new Error('database down')) };
    await expect(
      recordAudit({ repo: repo as unknown as Repository, logger }, null, { action: 'auth.login' }),
    ).resolves.toBeUndefined();
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toEqual(['audit: auth.login', 'could not store an audit entry']);
    expect(lines[0]!.audit).toBe(true);
  });
});
