/**
 * Batch compaction: a batch is applied atomically, so only its end state is ever observed, and
 * ops on different keys commute. Consecutive ops of the same kind on the same key (ignoring ops
 * on other keys in between) can therefore be merged into one: later field values and scores win,
 * exactly as applying them one after another would. Catch-up batches rewrite the same few hashes
 * (platform accounts, a position, an instrument's mark) hundreds of times; the store then writes
 * each once. Ops are never reordered on one key and never merged across a different op kind, so
 * the type rule sees the same sequence of needs per key and fails (or not) alike.
 */
import { renderedBatch, type FieldValue } from './deferred.js';
import { isEmptyOp } from './ops.js';
import type { RenderedOp, WriteOp, ZEntry } from './port.js';

type Mergeable = Extract<WriteOp, { op: 'hset' | 'hdel' | 'zadd' | 'zrem' | 'sadd' | 'srem' }>;

/** A merged op under construction: its own (copied) containers, so the caller's ops are never changed. */
type Open =
  | { op: 'hset'; key: string; fields: Record<string, FieldValue>; deferred?: true }
  | { op: 'hdel'; key: string; fields: string[] }
  | { op: 'zadd'; key: string; entries: ZEntry[] }
  | { op: 'zrem'; key: string; members: string[] }
  | { op: 'sadd'; key: string; members: string[] }
  | { op: 'srem'; key: string; members: string[] };

function isMergeable(op: WriteOp): op is Mergeable {
  switch (op.op) {
    case 'hset':
    case 'hdel':
    case 'zadd':
    case 'zrem':
    case 'sadd':
    case 'srem':
      return true;
    default:
      return false;
  }
}

function opened(op: Mergeable): Open {
  switch (op.op) {
    case 'hset':
      return op.deferred === true ? { op: 'hset', key: op.key, fields: { ...op.fields }, deferred: true } : { op: 'hset', key: op.key, fields: { ...op.fields } };
    case 'hdel':
      return { op: 'hdel', key: op.key, fields: [...op.fields] };
    case 'zadd':
      return { op: 'zadd', key: op.key, entries: [...op.entries] };
    default:
      return { op: op.op, key: op.key, members: [...op.members] };
  }
}

/** folds `next` (same key, same kind) into `into`, in order */
function merge(into: Open, next: Mergeable): void {
  switch (into.op) {
    case 'hset': {
      const hset = next as Extract<Mergeable, { op: 'hset' }>;
      const fields = hset.fields;
      for (const field in fields) if (Object.hasOwn(fields, field)) into.fields[field] = fields[field]!;
      if (hset.deferred === true) into.deferred = true;
      return;
    }
    case 'hdel':
      for (const field of (next as Extract<Mergeable, { op: 'hdel' }>).fields) into.fields.push(field);
      return;
    case 'zadd':
      for (const entry of (next as Extract<Mergeable, { op: 'zadd' }>).entries) into.entries.push(entry);
      return;
    default:
      for (const member of (next as Extract<Mergeable, { op: 'zrem' | 'sadd' | 'srem' }>).members) into.members.push(member);
  }
}

/**
 * The batch with each run of same-kind ops per key merged into the first op of the run. A
 * well-formed batch gives a batch with the same effect and the same type-rule outcome; ops are
 * validated by the store afterwards as usual (a malformed op is passed through unmerged).
 * Deferred field values are rendered in the ops kept, after merging: a value overwritten within
 * the batch is never rendered.
 */
export function compactBatch(ops: readonly WriteOp[]): RenderedOp[] {
  const out: WriteOp[] = [];
  /** per key: index in `out` of its latest op */
  const latest = new Map<string, number>();
  /** indices of `out` that hold a merged copy (safe to extend) */
  const owned = new Set<number>();
  for (const op of ops) {
    if (typeof op !== 'object' || op === null || typeof op.key !== 'string') {
      out.push(op);
      continue;
    }
    // an empty op is skipped by the stores before their type pass: it stays (to be validated) but is never a merge target
    if (isMergeable(op) && isWellShaped(op) && isEmptyOp(op)) {
      out.push(op);
      continue;
    }
    const at = latest.get(op.key);
    if (at !== undefined && isMergeable(op) && out[at]!.op === op.op && isWellShaped(op)) {
      if (!owned.has(at)) {
        const previous = out[at]!;
        if (!isWellShaped(previous as Mergeable)) {
          latest.set(op.key, out.push(op) - 1);
          continue;
        }
        out[at] = opened(previous as Mergeable) as WriteOp;
        owned.add(at);
      }
      merge(out[at] as Open, op);
      continue;
    }
    latest.set(op.key, out.push(op) - 1);
  }
  return renderedBatch(out) as RenderedOp[];
}

/** only ops whose containers have the expected shape are merged; anything else reaches validation as it came */
function isWellShaped(op: Mergeable): boolean {
  switch (op.op) {
    case 'hset':
      return typeof op.fields === 'object' && op.fields !== null && !Array.isArray(op.fields);
    case 'hdel':
      return Array.isArray(op.fields);
    case 'zadd':
      return Array.isArray(op.entries);
    default:
      return Array.isArray(op.members);
  }
}
