import type { ClientStorage } from './types.js';

/** A ClientStorage over a Map. `data` is exposed so tests can inspect or share it. */
export function createMemoryStorage(
  data: Map<string, string> = new Map(),
): ClientStorage & { data: Map<string, string> } {
  return {
    data,
    get: (key) => Promise.resolve(data.get(key) ?? null),
    set: (key, value) => {
      data.set(key, value);
      return Promise.resolve();
    },
    delete: (key) => {
      data.delete(key);
      return Promise.resolve();
    },
  };
}
