/**
 * An account's own encrypted store: an electron-store file per account (`session.json` for the
 * first, `session-<id>.json` for the others) under `EncryptedClientStorage`, so each account's
 * tokens are encrypted with safeStorage exactly as the single-account app's were.
 */
import { rm } from 'node:fs/promises';
import Store from 'electron-store';
import { createParleyClient } from '@parley/shared/client';
import { EncryptedClientStorage, type SecretCipher } from '../stores.js';
import type { OpenedAccount } from './manager.js';
import type { AccountRecord } from './registry.js';

export interface StoreFileOptions {
  cipher: SecretCipher;
  platform: NodeJS.Platform;
  /** The server the sign-in screen offers when the account has none stored. */
  defaultServerUrl(record: AccountRecord): string;
  onError(message: string, error: unknown): void;
}

export function openAccountStore(record: AccountRecord, options: StoreFileOptions): OpenedAccount {
  // Keys are the client core's own; dot notation would turn `a.b` into nested objects.
  const store = new Store({ name: record.store, accessPropertiesByDotNotation: false });
  const storage = new EncryptedClientStorage(store, options.cipher, options.platform, options.onError);
  const client = createParleyClient({
    storage,
    defaultServerUrl: options.defaultServerUrl(record),
  });
  return {
    client,
    deleteStore: async () => {
      store.clear();
      await rm(store.path, { force: true });
    },
  };
}
