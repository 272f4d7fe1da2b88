import { describe, expect, it } from 'vitest';
import {
  EncryptedClientStorage,
  Settings,
  protectionNotice,
  secretProtection,
  type KeyValueStore,
  type SecretCipher,
} from './stores.js';

/** A Map-backed store that can be inspected like the JSON file electron-store writes. */
class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  get(key: string) {
    return this.data.get(key);
  }
  set(key: string, value: unknown) {
    this.data.set(key, value);
  }
  delete(key: string) {
    this.data.delete(key);
  }
}

/**
 * A stand-in for safeStorage with a real (if toy) reversible transform, so the test can tell
 * ciphertext from plaintext and a wrong key from the right one.
 */
function cipher(options: { available?: boolean; backend?: string; key?: number } = {}): SecretCipher {
  const key = options.key ?? 0x5a;
  return {
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString: (plain) =>
      Buffer.concat([Buffer.from('v10'), Buffer.from(plain, 'utf8').map((b) => b ^ key)]),
    decryptString: (encrypted) => {
      if (encrypted.subarray(0, 3).toString() !== 'v10') throw new Error('bad header');
      const text = Buffer.from(encrypted.subarray(3).map((b) => b ^ key)).toString('utf8');
      if (!text.startsWith('{')) throw new Error('decryption failed');
      return text;
    },
  };
}

const session = JSON.stringify({ serverUrl: 'http://127.0.0.1:8080', refreshToken: 'rt-secret-123' });

describe('EncryptedClientStorage', () => {
  it('round-trips values through safeStorage, stored as base64 ciphertext only', async () => {
    const store = new MemoryStore();
    const storage = new EncryptedClientStorage(store, cipher(), 'linux');
    expect(storage.protection).toBe('encrypted');
    await storage.set('session', session);

    const raw = store.data.get('client.session');
    expect(typeof raw).toBe('string');
    expect(raw).not.toContain('rt-secret-123');
    expect(
      Buffer.from(raw as string, 'base64')
        .subarray(0, 3)
        .toString(),
    ).toBe('v10');

    // A new instance over the same file (the next app start) reads it back.
    const reopened = new EncryptedClientStorage(store, cipher(), 'linux');
    expect(await reopened.get('session')).toBe(session);
    await reopened.delete('session');
    expect(await reopened.get('session')).toBeNull();
    expect(store.data.has('client.session')).toBe(false);
  });

  it('drops a value it cannot decrypt (another keyring) instead of failing every start', async () => {
    const store = new MemoryStore();
    await new EncryptedClientStorage(store, cipher({ key: 1 }), 'darwin').set('session', session);
    const errors: string[] = [];
    const other = new EncryptedClientStorage(store, cipher({ key: 2 }), 'darwin', (message) =>
      errors.push(message),
    );
    expect(await other.get('session')).toBeNull();
    expect(errors).toHaveLength(1);
    expect(store.data.has('client.session')).toBe(false);
  });

  it('reports basic_text on Linux without a keyring, and tells the user', async () => {
    const storage = new EncryptedClientStorage(new MemoryStore(), cipher({ backend: 'basic_text' }), 'linux');
    expect(storage.protection).toBe('basic_text');
    expect(protectionNotice('basic_text')?.title).toMatch(/without a system keyring/);
    // Still stored (obfuscated), so the user is not signed out at every start.
    await storage.set('session', session);
    expect(await storage.get('session')).toBe(session);
  });

  it('keeps secrets in memory only when encryption is unavailable, never plain text on disk', async () => {
    const store = new MemoryStore();
    const storage = new EncryptedClientStorage(store, cipher({ available: false }), 'linux');
    expect(storage.protection).toBe('memory');
    await storage.set('session', session);
    expect(await storage.get('session')).toBe(session);
    expect(store.data.size).toBe(0);
    expect(protectionNotice('memory')?.detail).toMatch(/sign in again/);
    expect(protectionNotice('encrypted')).toBeNull();
  });

  it('only treats basic_text as weak on Linux', () => {
    expect(secretProtection(cipher({ backend: 'basic_text' }), 'win32')).toBe('encrypted');
    expect(secretProtection(cipher({ backend: 'kwallet5' }), 'linux')).toBe('encrypted');
  });
});

describe('Settings', () => {
  it('keeps notification preferences, deduplicated', () => {
    const settings = new Settings(new MemoryStore());
    expect(settings.notificationPrefs()).toEqual({ doNotDisturb: false, mutedConversationIds: [] });
    settings.setMuted('c1', true);
    settings.setMuted('c1', true);
    expect(settings.setMuted('c2', true).mutedConversationIds).toEqual(['c1', 'c2']);
    expect(settings.setMuted('c1', false).mutedConversationIds).toEqual(['c2']);
    expect(settings.setDoNotDisturb(true)).toEqual({ doNotDisturb: true, mutedConversationIds: ['c2'] });
  });

  it('reads damaged values defensively', () => {
    const store = new MemoryStore();
    store.set('windowBounds', { width: 'wide', height: 10 });
    store.set('notifications.mutedConversationIds', ['c1', 42, null]);
    store.set('serverUrl', '');
    const settings = new Settings(store);
    expect(settings.windowBounds()).toBeNull();
    expect(settings.notificationPrefs().mutedConversationIds).toEqual(['c1']);
    expect(settings.serverUrl()).toBeNull();
    settings.setWindowBounds({ x: 10, y: 20, width: 800, height: 600, maximized: true });
    expect(settings.windowBounds()).toEqual({ x: 10, y: 20, width: 800, height: 600, maximized: true });
  });

  it('remembers which storage notice was shown', () => {
    const settings = new Settings(new MemoryStore());
    expect(settings.protectionNoticeShown('basic_text')).toBe(false);
    settings.setProtectionNoticeShown('basic_text');
    expect(settings.protectionNoticeShown('basic_text')).toBe(true);
    expect(settings.protectionNoticeShown('memory')).toBe(false);
  });
});
