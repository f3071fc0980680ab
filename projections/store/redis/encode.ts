/** Turns a validated batch into the APPLY_BATCH script's KEYS and ARGV. */
import type { RenderedOp, WriteOp } from '../port.js';
import { OP_CODES } from './scripts.js';

export interface EncodedBatch {
  /** KEYS: [checkpoint key, ...distinct model keys] */
  keys: string[];
  /** ARGV: position, expectation ('*' none, '' no checkpoint stored, else the exact checkpoint), then per op: code, key index (1-based, into KEYS), arg count, args */
  args: string[];
  /** logical key of each KEYS index, to name the key in an error */
  logicalKeys: string[];
}

export function encodeBatch(prefix: string, checkpointKey: string, ops: readonly RenderedOp[], position: string, expected: string | null | undefined): EncodedBatch {
  const keys = [checkpointKey];
  const logicalKeys = ['$checkpoint'];
  const indexOf = new Map<string, number>();
  const args = [position, expected === undefined ? '*' : (expected ?? '')];
  for (const op of ops) {
    const fullKey = prefix + op.key;
    let index = indexOf.get(fullKey);
    if (index === undefined) {
      keys.push(fullKey);
      logicalKeys.push(op.key);
      index = keys.length;
      indexOf.set(fullKey, index);
    }
    const opArgs = argsOf(op);
    args.push(OP_CODES[op.op], String(index), String(opArgs.length));
    for (const arg of opArgs) args.push(arg);
  }
  return { keys, args, logicalKeys };
}

function argsOf(op: RenderedOp): string[] {
  switch (op.op) {
    case 'set':
      return [op.value];
    case 'del':
      return [];
    case 'hset': {
      const out: string[] = [];
      for (const [field, value] of Object.entries(op.fields)) out.push(field, value);
      return out;
    }
    case 'hdel':
      return [...op.fields];
    case 'zadd': {
      const out: string[] = [];
      // scores are safe integers (ops.ts), so String() is exact and has no exponent
      for (const entry of op.entries) out.push(String(entry.score), entry.member);
      return out;
    }
    case 'zrem':
    case 'sadd':
    case 'srem':
      return [...op.members];
    case 'ztrim':
      return [String(op.keepNewest)];
  }
}

const OP_NAMES: Record<string, WriteOp['op']> = Object.fromEntries(Object.entries(OP_CODES).map(([name, code]) => [code, name as WriteOp['op']]));

export function opNameOfCode(code: string): string {
  return OP_NAMES[code] ?? code;
}
