/**
 * The state feed's patch format: how a `ClientState` travels from a host that runs the client
 * core in another process (Electron's main) to the renderer without copying all of it.
 *
 * The first update (and the first after a reset) is a full snapshot; every later one is a
 * patch against the update before it, numbered by `seq`. A receiver that sees a gap in `seq`
 * (or a patch it cannot apply) asks for a snapshot again (`ParleyHost.resyncState()`).
 *
 * The diff needs no deep compare: the client core updates immutably, so an unchanged part is
 * the same object. It walks plain objects by identity (`MAX_OBJECT_DEPTH` levels, e.g.
 * `messages[conversationId].items`) and describes a changed array as runs: slices of the old
 * array that are kept plus new items. So a message appended to a 200-item window is one run and
 * one item, and a conversation moving to the top of 1,000 is a handful of runs.
 */
import { z } from 'zod';
import type { ClientState } from './client/state.js';

/** Object keys from the root; array positions never appear (arrays change by `list`). */
export type StatePath = string[];

/** A piece of the new array: `count` items of the old one from `from`, or new items. */
export type ListRun = { from: number; count: number } | { items: unknown[] };

export type StatePatchOp =
  | { op: 'set'; path: StatePath; value: unknown }
  | { op: 'delete'; path: StatePath }
  | { op: 'list'; path: StatePath; runs: ListRun[] };

/** One message of the state feed. */
export type StateUpdate =
  { kind: 'snapshot'; seq: number; state: ClientState } | { kind: 'patch'; seq: number; ops: StatePatchOp[] };

/** Levels of plain objects the diff descends (root, a keyed map, one entry of it). */
export const MAX_OBJECT_DEPTH = 3;

/** The ops that turn `prev` into `next`; empty when nothing changed. */
export function diffState(prev: ClientState, next: ClientState): StatePatchOp[] {
  const ops: StatePatchOp[] = [];
  diffValue(prev, next, [], ops, MAX_OBJECT_DEPTH);
  return ops;
}

function diffValue(prev: unknown, next: unknown, path: StatePath, ops: StatePatchOp[], depth: number): void {
  if (Object.is(prev, next)) return;
  if (depth > 0 && isPlainObject(prev) && isPlainObject(next)) {
    diffObject(prev, next, path, ops, depth - 1);
    return;
  }
  if (Array.isArray(prev) && Array.isArray(next) && path.length > 0) {
    const runs = listRuns(prev, next);
    // A new array with the same items (one run over all of prev) needs no op.
    const first = runs?.[0];
    if (
      runs?.length === 1 &&
      first &&
      'from' in first &&
      first.count === prev.length &&
      next.length === prev.length
    )
      return;
    if (runs) ops.push({ op: 'list', path, runs });
    else ops.push({ op: 'set', path, value: next });
    return;
  }
  if (path.length === 0) throw new Error('diffState: the root must be an object');
  ops.push({ op: 'set', path, value: next });
}

/**
 * Key counts of objects already walked as `next`: the next diff meets them as `prev`. Safe
 * because states are never mutated (the diff relies on that throughout).
 */
const keyCounts = new WeakMap<object, number>();

/**
 * The keys of a big map (`reads`, `presence`: one per conversation or user) are mostly
 * unchanged, so this loop is the diff's hot path: `for…in` with plain lookups is several times
 * faster than `Object.keys` with `Object.hasOwn` on such maps, and deleted keys are looked for
 * only when the key counts say there are some. (Plain objects inherit no enumerable keys.)
 */
function diffObject(
  prev: Record<string, unknown>,
  next: Record<string, unknown>,
  path: StatePath,
  ops: StatePatchOp[],
  depth: number,
): void {
  let kept = 0;
  let count = 0;
  for (const key in next) {
    count++;
    const value = next[key];
    const before = prev[key];
    // The fast path: state values are never functions, so an equal value is prev's own.
    if (before === value && value !== undefined) {
      kept++;
      continue;
    }
    const had = Object.hasOwn(prev, key);
    if (had) kept++;
    diffValue(had ? before : undefined, value, [...path, key], ops, depth);
  }
  keyCounts.set(next, count);
  let prevCount = keyCounts.get(prev);
  if (prevCount === undefined) {
    prevCount = 0;
    for (const _key in prev) prevCount++;
  }
  if (prevCount === kept) return;
  for (const key in prev) if (!Object.hasOwn(next, key)) ops.push({ op: 'delete', path: [...path, key] });
}

/** Items a list diff may take as new on a failed probe before it indexes the old array. */
const PROBE_MISSES = 16;

/**
 * `next` as runs over `prev`, matching items by identity; null when no item is kept (a plain
 * set is smaller then). Most changes touch one end or one item (a message appended, the
 * conversation that got it replaced at the top), so the unchanged head and tail are found
 * first in plain indexed loops. In between, each item is looked for where the last run ends,
 * or one past it (an item taken out); only after `PROBE_MISSES` misses is `prev` indexed. An
 * item sent as new although it was in `prev` costs bytes and its identity on the receiving
 * side, never correctness.
 */
function listRuns(prev: readonly unknown[], next: readonly unknown[]): ListRun[] | null {
  if (prev.length === 0 || next.length === 0) return null;
  const limit = Math.min(prev.length, next.length);
  let head = 0;
  while (head < limit && prev[head] === next[head]) head++;
  let tail = 0;
  while (tail < limit - head && prev[prev.length - 1 - tail] === next[next.length - 1 - tail]) tail++;

  const runs: ListRun[] = [];
  const keep = (from: number, count: number) => {
    const last = runs[runs.length - 1];
    if (last && 'from' in last && last.from + last.count === from) last.count += count;
    else runs.push({ from, count });
  };
  if (head > 0) keep(0, head);
  let position: Map<unknown, number> | null = null;
  let misses = 0;
  let cursor = head;
  const find = (item: unknown): number | undefined => {
    if (cursor < prev.length && prev[cursor] === item) return cursor;
    if (cursor + 1 < prev.length && prev[cursor + 1] === item) return cursor + 1;
    if (position === null) {
      if (++misses <= PROBE_MISSES) return undefined;
      position = new Map();
      // An item twice in `prev` (only equal primitives can be) is taken from its last place.
      prev.forEach((value, index) => position!.set(value, index));
    }
    return position.get(item);
  };
  let kept = head + tail;
  for (let index = head; index < next.length - tail; index++) {
    const item = next[index];
    const from = find(item);
    if (from === undefined) {
      const last = runs[runs.length - 1];
      if (last && 'items' in last) last.items.push(item);
      else runs.push({ items: [item] });
      continue;
    }
    kept++;
    cursor = from + 1;
    keep(from, 1);
  }
  if (tail > 0) keep(prev.length - tail, tail);
  return kept === 0 ? null : runs;
}

/** Thrown when a patch does not fit the state it is applied to (the receiver resyncs). */
export class StatePatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatePatchError';
  }
}

export interface ApplyOptions {
  /**
   * Merges a set value with the one it replaces, e.g. structural sharing so parts that arrive
   * as equal copies keep the old identity. The default takes the new value.
   */
  share?: (prev: unknown, next: unknown) => unknown;
}

/**
 * `prev` with `ops` applied, copying only the objects along each changed path: every part the
 * patch does not touch is `prev`'s own object, so memoised views of it do not re-render.
 */
export function applyStatePatch(
  prev: ClientState,
  ops: readonly StatePatchOp[],
  options: ApplyOptions = {},
): ClientState {
  // Objects copied by this call: later ops on the same path write into them directly.
  const copied = new WeakSet<object>();
  const writable = (value: Record<string, unknown>) => {
    if (copied.has(value)) return value;
    const copy = { ...value };
    copied.add(copy);
    return copy;
  };
  const root = writable(prev as unknown as Record<string, unknown>);
  for (const op of ops) {
    if (op.path.length === 0) throw new StatePatchError('an op needs a path');
    let container = root;
    for (const key of op.path.slice(0, -1)) {
      checkKey(key);
      const child = container[key];
      if (!isPlainObject(child)) throw new StatePatchError(`no object at ${op.path.join('.')}`);
      const next = writable(child);
      container[key] = next;
      container = next;
    }
    const key = op.path[op.path.length - 1]!;
    checkKey(key);
    if (op.op === 'delete') delete container[key];
    else if (op.op === 'set')
      container[key] = options.share ? options.share(container[key], op.value) : op.value;
    else container[key] = buildList(container[key], op.runs, op.path);
  }
  return root as unknown as ClientState;
}

function buildList(old: unknown, runs: readonly ListRun[], path: StatePath): unknown[] {
  if (!Array.isArray(old)) throw new StatePatchError(`no array at ${path.join('.')}`);
  const out: unknown[] = [];
  for (const run of runs) {
    if ('items' in run) {
      out.push(...run.items);
      continue;
    }
    if (run.from + run.count > old.length)
      throw new StatePatchError(`a run past the end of ${path.join('.')}`);
    for (let i = run.from; i < run.from + run.count; i++) out.push(old[i]);
  }
  return out;
}

// Assigning `__proto__` on a plain object would change its prototype, not add a key.
function checkKey(key: string): void {
  if (key === '__proto__') throw new StatePatchError('__proto__ is not a state key');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const pathSchema = z
  .array(z.string().refine((key) => key !== '__proto__', '__proto__ is not a state key'))
  .min(1)
  .max(8);
const seqSchema = z.number().int().nonnegative();
const listRunSchema = z.union([
  z.object({ from: z.number().int().nonnegative(), count: z.number().int().positive() }).strict(),
  z.object({ items: z.array(z.unknown()) }).strict(),
]);
const opSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), path: pathSchema, value: z.unknown() }).strict(),
  z.object({ op: z.literal('delete'), path: pathSchema }).strict(),
  z.object({ op: z.literal('list'), path: pathSchema, runs: z.array(listRunSchema) }).strict(),
]);

/**
 * A state feed message as it arrives from another process. The envelope and every op are
 * checked; values inside are the client core's own state and are taken as they are (parsing
 * a whole `ClientState` per push would cost what the patches save).
 */
export const stateUpdateSchema: z.ZodType<StateUpdate> = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('snapshot'),
      seq: seqSchema,
      state: z.custom<ClientState>(isPlainObject, 'a snapshot is an object'),
    })
    .strict(),
  z.object({ kind: z.literal('patch'), seq: seqSchema, ops: z.array(opSchema) }).strict(),
]);
