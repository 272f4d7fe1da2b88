/**
 * What the desktop app keeps on disk: the client core's storage (session with the refresh
 * token, outbox), encrypted with the OS keystore through `safeStorage`, and plain settings
 * (server URL, window bounds, notification preferences). Both sit on a small key-value
 * interface that electron-store satisfies, so tests run on a Map.
 */
import type { NotificationPrefs } from '@parley/shared';
import type { ClientStorage } from '@parley/shared/client';
import { t } from './i18n.js';

/** The part of electron-store used here. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** The part of Electron's `safeStorage` used here. */
export interface SecretCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?(): string;
}

/**
 * How well secrets are protected here:
 * - `encrypted`: by the OS keystore (Keychain, DPAPI, libsecret/KWallet).
 * - `basic_text`: Linux without a keyring: Chromium's fallback uses a fixed, public key, so
 *   the data is only obfuscated. Stored anyway (else every start needs a sign-in) and the
 *   user is told.
 * - `memory`: no encryption at all: secrets stay in memory only and are gone after a restart.
 */
export type SecretProtection = 'encrypted' | 'basic_text' | 'memory';

export function secretProtection(cipher: SecretCipher, platform: NodeJS.Platform): SecretProtection {
  if (!cipher.isEncryptionAvailable()) return 'memory';
  if (platform === 'linux' && cipher.getSelectedStorageBackend?.() === 'basic_text') return 'basic_text';
  return 'encrypted';
}

/** The one-time notice for the user when secrets are not properly protected, or null. */
export function protectionNotice(protection: SecretProtection): { title: string; detail: string } | null {
  switch (protection) {
    case 'encrypted':
      return null;
    case 'basic_text':
      return {
        title: t('storage.noKeyring'),
        detail: t('storage.noKeyringDetail'),
      };
    case 'memory':
      return {
        title: t('storage.memoryOnly'),
        detail: t('storage.memoryOnlyDetail'),
      };
  }
}

const SECRET_PREFIX = 'client.';

/**
 * `ClientStorage` for the client core. Every value it stores (session incl. refresh token,
 * outbox) is encrypted with `safeStorage` and kept base64-encoded in the store; when
 * encryption is unavailable it lives in memory only, never as plain text on disk.
 */
export class EncryptedClientStorage implements ClientStorage {
  private readonly memory = new Map<string, string>();
  readonly protection: SecretProtection;

  constructor(
    private readonly store: KeyValueStore,
    private readonly cipher: SecretCipher,
    platform: NodeJS.Platform,
    private readonly onError: (message: string, error: unknown) => void = () => {},
  ) {
    this.protection = secretProtection(cipher, platform);
  }

  async get(key: string): Promise<string | null> {
    if (this.protection === 'memory') return this.memory.get(key) ?? null;
    const stored = this.store.get(SECRET_PREFIX + key);
    if (typeof stored !== 'string') return null;
    try {
      return this.cipher.decryptString(Buffer.from(stored, 'base64'));
    } catch (error) {
      // A value encrypted under another keyring (or a corrupted file) cannot be read back:
      // drop it, so the user signs in again instead of the app failing on every start.
      this.onError(`stored value for ${key} could not be decrypted; dropping it`, error);
      this.store.delete(SECRET_PREFIX + key);
      return null;
    }
  }

  async set(key: string, value: string): Promise<void> {
    if (this.protection === 'memory') {
      this.memory.set(key, value);
      return;
    }
    this.store.set(SECRET_PREFIX + key, this.cipher.encryptString(value).toString('base64'));
  }

  async delete(key: string): Promise<void> {
    this.memory.delete(key);
    this.store.delete(SECRET_PREFIX + key);
  }
}

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized?: boolean;
}

/** The app's settings, typed accessors over the store with defensive reads. */
export class Settings {
  constructor(private readonly store: KeyValueStore) {}

  serverUrl(): string | null {
    const value = this.store.get('serverUrl');
    return typeof value === 'string' && value.length > 0 ? value : null;
  }

  setServerUrl(url: string): void {
    this.store.set('serverUrl', url);
  }

  windowBounds(): WindowBounds | null {
    const value = this.store.get('windowBounds');
    if (typeof value !== 'object' || value === null) return null;
    const { x, y, width, height, maximized } = value as Record<string, unknown>;
    if (!isFiniteNumber(width) || !isFiniteNumber(height)) return null;
    return {
      width,
      height,
      ...(isFiniteNumber(x) && isFiniteNumber(y) ? { x, y } : {}),
      maximized: maximized === true,
    };
  }

  setWindowBounds(bounds: WindowBounds): void {
    this.store.set('windowBounds', bounds);
  }

  notificationPrefs(): NotificationPrefs {
    const dnd = this.store.get('notifications.doNotDisturb');
    const muted = this.store.get('notifications.mutedConversationIds');
    return {
      doNotDisturb: dnd === true,
      mutedConversationIds: Array.isArray(muted)
        ? muted.filter((id): id is string => typeof id === 'string')
        : [],
    };
  }

  setMuted(conversationId: string, muted: boolean): NotificationPrefs {
    const current = new Set(this.notificationPrefs().mutedConversationIds);
    if (muted) current.add(conversationId);
    else current.delete(conversationId);
    this.store.set('notifications.mutedConversationIds', [...current]);
    return this.notificationPrefs();
  }

  setDoNotDisturb(on: boolean): NotificationPrefs {
    this.store.set('notifications.doNotDisturb', on);
    return this.notificationPrefs();
  }

  /** Whether the user has already been told about this level of secret protection. */
  protectionNoticeShown(protection: SecretProtection): boolean {
    return this.store.get('notices.secretProtection') === protection;
  }

  setProtectionNoticeShown(protection: SecretProtection): void {
    this.store.set('notices.secretProtection', protection);
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
