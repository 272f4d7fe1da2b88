/**
 * Structural sharing for state that arrives as a fresh copy (the desktop host's snapshots come
 * over IPC, and contextBridge copies them again): the result equals `next`, but every part that
 * is deep-equal to the same part of `prev` is `prev`'s object. So selectors and `React.memo`
 * see unchanged references, and a typing or presence change does not re-render every message.
 *
 * Arrays of objects with a unique string `id` are matched by id (conversations reorder as
 * messages arrive); other arrays by index. Only plain objects and arrays are walked.
 */
export function shareStructure<T>(prev: unknown, next: T): T {
  if (Object.is(prev, next)) return prev as T;
  if (Array.isArray(next)) return (Array.isArray(prev) ? shareArray(prev, next) : next) as T;
  if (!isPlainObject(prev) || !isPlainObject(next)) return next;
  const prevKeys = Object.keys(prev);
  const nextKeys = Object.keys(next);
  let same = prevKeys.length === nextKeys.length;
  const out: Record<string, unknown> = {};
  for (const key of nextKeys) {
    const value = shareStructure(prev[key], next[key]);
    if (!same || !Object.hasOwn(prev, key) || value !== prev[key]) same = false;
    out[key] = value;
  }
  return (same ? prev : out) as T;
}

function shareArray(prev: readonly unknown[], next: readonly unknown[]): readonly unknown[] {
  const byId = idIndex(prev);
  let same = prev.length === next.length;
  const out = next.map((item, index) => {
    const id = idOf(item);
    const counterpart = byId && id !== null ? byId.get(id) : prev[index];
    const value = shareStructure(counterpart, item);
    if (value !== prev[index]) same = false;
    return value;
  });
  return same ? prev : out;
}

/** Items by `id`, or null when not every item has a unique string id. */
function idIndex(items: readonly unknown[]): Map<string, unknown> | null {
  if (items.length === 0) return null;
  const index = new Map<string, unknown>();
  for (const item of items) {
    const id = idOf(item);
    if (id === null || index.has(id)) return null;
    index.set(id, item);
  }
  return index;
}

function idOf(item: unknown): string | null {
  if (!isPlainObject(item)) return null;
  return typeof item.id === 'string' ? item.id : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
