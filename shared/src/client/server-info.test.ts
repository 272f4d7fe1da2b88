import { describe, expect, it } from 'vitest';
import { serverStatusFrom } from './server-info.js';

const info = (protocol: number) => ({
  name: 'Parley',
  version: '1.1.0',
  protocol,
  registration: 'open',
  invitesBy: 'admins',
  limits: { maxBodyLength: 4000, maxAttachmentBytes: 1, maxAttachments: 10 },
  features: ['changes'],
});

describe('server protocol check', () => {
  it('is compatible with a server of its own protocol', () => {
    expect(serverStatusFrom({ ok: true, value: info(1) })).toMatchObject({
      compatibility: 'compatible',
      protocol: 1,
      version: '1.1.0',
      features: ['changes'],
      message: null,
    });
  });

  it('says clearly when the server is too new or too old', () => {
    const newer = serverStatusFrom({ ok: true, value: info(2) });
    expect(newer).toMatchObject({ compatibility: 'too-new', protocol: 2 });
    expect(newer.message).toMatch(/newer than this app/);
    expect(serverStatusFrom({ ok: true, value: { ...info(0), name: 5 } })).toMatchObject({
      compatibility: 'too-old',
      protocol: 0,
    });
  });

  it('treats a server without GET /api/server as v1, and an unreadable answer as unknown', () => {
    expect(serverStatusFrom({ ok: false, status: 404 })).toMatchObject({
      compatibility: 'legacy',
      protocol: 1,
    });
    expect(serverStatusFrom({ ok: false, status: 502 }).compatibility).toBe('unknown');
    expect(serverStatusFrom({ ok: true, value: { hello: 'world' } })).toMatchObject({
      compatibility: 'unknown',
      message: expect.stringMatching(/cannot read/),
    });
  });
});
