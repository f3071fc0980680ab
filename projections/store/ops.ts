/**
 * Write ops: constructors for projection code, validation shared by both adapters, and the
 * type rule both adapters check before writing anything (so a batch is all or nothing).
 */
import type { FieldValue } from './deferred.js';
import { InvalidWriteOp } from './errors.js';
import { assertLogicalKey } from './keys.js';
import type { WriteBatch, WriteOp, ZEntry } from './port.js';

export const write = {
  set: (key: string, value: string): WriteOp => ({ op: 'set', key, value }),
  hset: (key: string, fields: Record<string, string>): WriteOp => ({ op: 'hset', key, fields }),
  /** an hset whose values may be Deferred (rendered only if the write survives compaction) */
  hsetDeferred: (key: string, fields: Record<string, FieldValue>): WriteOp => ({ op: 'hset', key, fields, deferred: true }),
  hdel: (key: string, ...fields: string[]): WriteOp => ({ op: 'hdel', key, fields }),
  del: (key: string): WriteOp => ({ op: 'del', key }),
  zadd: (key: string, score: number, member: string): WriteOp => ({ op: 'zadd', key, entries: [{ score, member }] }),
  zaddMany: (key: string, entries: ZEntry[]): WriteOp => ({ op: 'zadd', key, entries }),
  zrem: (key: string, ...members: string[]): WriteOp => ({ op: 'zrem', key, members }),
  ztrim: (key: string, keepNewest: number): WriteOp => ({ op: 'ztrim', key, keepNewest }),
  sadd: (key: string, ...members: string[]): WriteOp => ({ op: 'sadd', key, members }),
  srem: (key: string, ...members: string[]): WriteOp => ({ op: 'srem', key, members }),
};

/** Bound on one batch, so one Lua call (which blocks Redis) stays short. */
export const MAX_OPS_PER_BATCH = 50_000;
export const MAX_VALUE_LENGTH = 1024 * 1024;

export type KeyType = 'none' | 'string' | 'hash' | 'zset' | 'set';

function assertString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new InvalidWriteOp(`${what} must be a string, got ${typeof value}`);
  if (value.length > MAX_VALUE_LENGTH) throw new InvalidWriteOp(`${what} is longer than ${MAX_VALUE_LENGTH}`);
}

function assertStrings(values: unknown, op: WriteOp, index: number, what: string): void {
  if (!Array.isArray(values)) throw new InvalidWriteOp(`${where(op, index)} ${what} must be an array`);
  for (let i = 0; i < values.length; i++) {
    const value: unknown = values[i];
    if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH) assertString(value, `${where(op, index)} ${what}[${i}]`);
  }
}

export function assertValidBatch(ops: WriteBatch): void {
  if (!Array.isArray(ops)) throw new InvalidWriteOp('a batch is an array of write ops');
  if (ops.length > MAX_OPS_PER_BATCH) throw new InvalidWriteOp(`a batch holds at most ${MAX_OPS_PER_BATCH} ops, got ${ops.length}`);
  for (let i = 0; i < ops.length; i++) assertValidOp(ops[i]!, i);
}

/** names the op in an error; built only when one is thrown (every op of a replay passes here) */
function where(op: WriteOp, index: number): string {
  return `op ${index} (${String((op as { op?: unknown }).op)})`;
}

function assertValidOp(op: WriteOp, index: number): void {
  if (typeof op !== 'object' || op === null) throw new InvalidWriteOp(`${where(op, index)}: not an object`);
  assertLogicalKey(op.key);
  switch (op.op) {
    case 'set':
      if (typeof op.value !== 'string' || op.value.length > MAX_VALUE_LENGTH) assertString(op.value, `${where(op, index)} value`);
      return;
    case 'hset': {
      const fields = op.fields;
      if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new InvalidWriteOp(`${where(op, index)}: fields must be an object`);
      for (const field in fields) {
        if (!Object.hasOwn(fields, field)) continue;
        const value = fields[field];
        if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH) assertString(value, `${where(op, index)} field ${field}`);
      }
      return;
    }
    case 'hdel':
      assertStrings(op.fields, op, index, 'fields');
      return;
    case 'del':
      return;
    case 'zadd': {
      const entries = op.entries;
      if (!Array.isArray(entries)) throw new InvalidWriteOp(`${where(op, index)}: entries must be an array`);
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        // doubles beyond 2^53 would round differently in Lua, JS and Redis
        if (!Number.isSafeInteger(entry.score)) throw new InvalidWriteOp(`${where(op, index)} entries[${i}]: score must be a safe integer, got ${String(entry.score)}`);
        if (typeof entry.member !== 'string' || entry.member.length > MAX_VALUE_LENGTH) assertString(entry.member, `${where(op, index)} entries[${i}].member`);
      }
      return;
    }
    case 'zrem':
    case 'sadd':
    case 'srem':
      assertStrings(op.members, op, index, 'members');
      return;
    case 'ztrim':
      if (!Number.isSafeInteger(op.keepNewest) || op.keepNewest < 0) throw new InvalidWriteOp(`${where(op, index)}: keepNewest must be a non-negative integer`);
      return;
    default:
      throw new InvalidWriteOp(`${where(op, index)}: unknown op`);
  }
}

/** True when the op changes nothing (empty field or member list); adapters skip it. */
export function isEmptyOp(op: WriteOp): boolean {
  switch (op.op) {
    case 'hset':
      for (const field in op.fields) if (Object.hasOwn(op.fields, field)) return false;
      return true;
    case 'hdel':
      return op.fields.length === 0;
    case 'zadd':
      return op.entries.length === 0;
    case 'zrem':
    case 'sadd':
    case 'srem':
      return op.members.length === 0;
    default:
      return false;
  }
}

/**
 * The type rule (identical in the Lua script): the structure an op needs the key to hold (or
 * none), and the type it leaves. Removals keep the tracked type even when they may empty the
 * key, so the check never depends on data, only on types — conservative and the same everywhere.
 */
export function typeRule(op: WriteOp['op']): { needs: KeyType | null; leaves: KeyType | 'same' } {
  switch (op) {
    case 'set':
      return { needs: null, leaves: 'string' };
    case 'del':
      return { needs: null, leaves: 'none' };
    case 'hset':
      return { needs: 'hash', leaves: 'hash' };
    case 'hdel':
      return { needs: 'hash', leaves: 'same' };
    case 'zadd':
      return { needs: 'zset', leaves: 'zset' };
    case 'zrem':
    case 'ztrim':
      return { needs: 'zset', leaves: 'same' };
    case 'sadd':
      return { needs: 'set', leaves: 'set' };
    case 'srem':
      return { needs: 'set', leaves: 'same' };
  }
}
