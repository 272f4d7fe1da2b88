import { describe, expect, it, vi } from 'vitest';
import type { Notice } from '../notification-policy.js';
import { namedNotice } from './wiring.js';

// wiring.ts shows notifications through Electron (notifier.ts); namedNotice itself is pure.
vi.mock('electron', async () => (await import('../../test/fake-electron.js')).electronModule);

describe('namedNotice', () => {
  const notice: Notice = { kind: 'message', conversationId: 'c1', title: 'Bob', body: 'hi' };

  it('names the account once there are several', () => {
    expect(namedNotice(notice, 'chat.example.org', 2)).toEqual({
      ...notice,
      title: 'Bob · chat.example.org',
    });
  });

  it('leaves a single account’s notices as they were', () => {
    expect(namedNotice(notice, 'chat.example.org', 1)).toBe(notice);
  });
});
