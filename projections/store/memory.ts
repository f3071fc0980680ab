/**
 * The in-memory ReadStore (the default): the same key layout, type rule, checkpoint guard and
 * orders as the Redis adapter, in a Map. A batch is checked completely before the first write
 * and applied synchronously, so it is atomic with respect to every other call.
 */
import type { Position } from '../../eventstore/port.js';
import { CurrentVersionInUse, ReadStoreClosed, ReadStoreWrongType } from './errors.js';
import { CHECKPOINT_SUFFIX, assertPosition, assertProjectionName, assertVersion, positionIsBefore, sortByCodePoints, versionOfCheckpointKey, versionPrefix } from './keys.js';
import { renderedBatch } from './deferred.js';
import { assertValidBatch, isEmptyOp, typeRule, type KeyType } from './ops.js';
import type { ApplyOptions, ApplyResult, DumpValue, ReadStore, ReadView, RenderedOp, WriteBatch, WriteOp, ZEntry } from './port.js';
import { assertRanks, assertReadKey, normaliseScoreRange } from './reads.js';
import { SortedSet } from './sortedSet.js';

/** the type rule of every op, looked up once per op rather than built per call */
const TYPE_RULES = Object.fromEntries((['set', 'hset', 'hdel', 'del', 'zadd', 'zrem', 'ztrim', 'sadd', 'srem'] as const).map((op) => [op, typeRule(op)])) as Record<WriteOp['op'], ReturnType<typeof typeRule>>;

/** a stored value as a reader sees it in place (storedEntries): never to be changed */
export type StoredValue = Readonly<Value>;

type Value =
  | { type: 'string'; value: string }
  | { type: 'hash'; fields: Map<string, string> }
  | { type: 'zset'; set: SortedSet }
  | { type: 'set'; members: Set<string> };

/**
 * One projection version: its checkpoint and its logical keys. Kept apart per version (the
 * `rm:{projection}:v{N}:` prefix of the Redis layout is the map it sits in), so a write looks its
 * key up as the projection wrote it, with no full key string built and hashed per op.
 */
interface VersionData {
  checkpoint: string | null;
  keys: Map<string, Value>;
}

export class MemoryReadStore implements ReadStore {
  readonly kind = 'memory';
  /** projection → the version readers use */
  private readonly currents = new Map<string, string>();
  /** versionPrefix(projection, version) → that version's data */
  private readonly data = new Map<string, VersionData>();
  private closed = false;

  async applyBatch(projection: string, version: number, batch: WriteBatch, position: Position, options: ApplyOptions = {}): Promise<ApplyResult> {
    this.assertOpen();
    assertProjectionName(projection);
    assertVersion(version);
    assertPosition(position);
    const ops = renderedBatch(batch);
    assertValidBatch(ops);
    const expected = options.expectedCheckpoint;
    if (expected !== undefined && expected !== null) assertPosition(expected);
    const prefix = versionPrefix(projection, version);
    const existing = this.data.get(prefix);
    const stored = existing?.checkpoint ?? null;
    if (stored !== null && !positionIsBefore(stored, position)) return { applied: false, checkpoint: stored };
    if (expected !== undefined && stored !== expected) return { applied: false, checkpoint: stored ?? '0' };
    const keys = existing?.keys ?? new Map<string, Value>();
    const live: RenderedOp[] = [];
    for (const op of ops) if (!isEmptyOp(op)) live.push(op);
    const found = checkTypes(keys, live);
    for (let i = 0; i < live.length; i++) applyOp(keys, live[i]!, found[i]);
    if (existing) existing.checkpoint = position;
    else this.data.set(prefix, { checkpoint: position, keys });
    return { applied: true, checkpoint: position };
  }

  async checkpoint(projection: string, version: number): Promise<Position | null> {
    this.assertOpen();
    assertProjectionName(projection);
    assertVersion(version);
    return this.data.get(versionPrefix(projection, version))?.checkpoint ?? null;
  }

  async currentVersion(projection: string): Promise<number | null> {
    this.assertOpen();
    assertProjectionName(projection);
    const value = this.currents.get(projection);
    return value === undefined ? null : Number(value);
  }

  async switchVersion(projection: string, change: { from: number | null; to: number }): Promise<boolean> {
    this.assertOpen();
    assertProjectionName(projection);
    if (change.from !== null) assertVersion(change.from);
    assertVersion(change.to);
    const now = this.currents.get(projection) ?? null;
    if (now !== (change.from === null ? null : String(change.from))) return false;
    this.currents.set(projection, String(change.to));
    return true;
  }

  async versions(projection: string): Promise<number[]> {
    this.assertOpen();
    assertProjectionName(projection);
    const found: number[] = [];
    for (const [prefix, data] of this.data) {
      if (data.checkpoint === null) continue;
      const version = versionOfCheckpointKey(projection, prefix + CHECKPOINT_SUFFIX);
      if (version !== null) found.push(version);
    }
    return found.sort((a, b) => a - b);
  }

  async deleteVersion(projection: string, version: number): Promise<number> {
    this.assertOpen();
    assertProjectionName(projection);
    assertVersion(version);
    if (this.currents.get(projection) === String(version)) throw new CurrentVersionInUse(projection, version);
    const prefix = versionPrefix(projection, version);
    const data = this.data.get(prefix);
    if (!data) return 0;
    this.data.delete(prefix);
    // as in Redis: the model's keys and the checkpoint key
    return data.keys.size + (data.checkpoint === null ? 0 : 1);
  }

  async view(projection: string): Promise<ReadView | null> {
    const version = await this.currentVersion(projection);
    return version === null ? null : this.versionView(projection, version);
  }

  versionView(projection: string, version: number): ReadView {
    assertProjectionName(projection);
    assertVersion(version);
    return new MemoryView(this, projection, version, versionPrefix(projection, version));
  }

  async exportVersion(projection: string, version: number): Promise<Record<string, DumpValue>> {
    return this.exportVersionNow(projection, version);
  }

  /** exportVersion, synchronously (the store is in memory) */
  exportVersionNow(projection: string, version: number): Record<string, DumpValue> {
    const out: Record<string, DumpValue> = {};
    for (const [name, dump] of this.exportEntries(projection, version)) out[name] = dump;
    return out;
  }

  /**
   * What exportVersion holds, one key at a time: the keys in code point order, each with its
   * dump made as it is reached — a reader that only streams the model (the replay's state hash)
   * never holds the whole export. The version must not change while it is read.
   */
  *exportEntries(projection: string, version: number): Generator<[string, DumpValue]> {
    for (const [name, value] of this.storedEntries(projection, version)) yield [name, dumpOf(value)];
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /**
   * exportEntries without the dumps: each key in code point order with its value as stored, for
   * a reader that turns it into text at once (the replay's state hash) and never keeps or
   * changes it. The version must not change while it is read.
   */
  *storedEntries(projection: string, version: number): Generator<[string, StoredValue]> {
    const keys = this.versionKeys(projection, version);
    // full keys share the prefix, so the logical keys sort alike
    for (const name of sortByCodePoints([...keys.keys()])) yield [name, keys.get(name)!];
  }

  /** the logical keys of a projection version, in no particular order (no dumps, no sorting) */
  keyNames(projection: string, version: number): string[] {
    return [...this.versionKeys(projection, version).keys()];
  }

  /** a version's keys as stored (empty when it holds none); checked arguments, open store */
  private versionKeys(projection: string, version: number): ReadonlyMap<string, Value> {
    this.assertOpen();
    assertProjectionName(projection);
    assertVersion(version);
    return this.data.get(versionPrefix(projection, version))?.keys ?? NO_KEYS;
  }

  /** @internal for MemoryView */
  read(prefix: string, key: string): Value | undefined {
    this.assertOpen();
    return this.data.get(prefix)?.keys.get(key);
  }

  private assertOpen(): void {
    if (this.closed) throw new ReadStoreClosed();
  }

}

const NO_KEYS: ReadonlyMap<string, Value> = new Map();

/** a key an earlier op of the batch wrote: its value is looked up when the op is applied */
const AGAIN = Symbol('again');
type Found = Value | undefined | typeof AGAIN;

/**
 * The same pass as the Lua script: every op's type need against the tracked type. Returns what
 * the store held for each op's key when it is the key's first op in the batch (AGAIN otherwise),
 * so applying the batch looks each key of the store up once: the models' maps are large and a
 * lookup there costs far more than in this batch's own.
 */
function checkTypes(keys: Map<string, Value>, ops: readonly WriteOp[]): Found[] {
  /** the type each key of the batch holds after its ops so far */
  const tracked = new Map<string, KeyType>();
  const found: Found[] = new Array(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    let holds = tracked.get(op.key);
    if (holds === undefined) {
      const value = keys.get(op.key);
      found[i] = value;
      holds = value === undefined ? 'none' : value.type;
    } else found[i] = AGAIN;
    const rule = TYPE_RULES[op.op];
    if (rule.needs !== null && holds !== 'none' && holds !== rule.needs) throw new ReadStoreWrongType(op.key, holds, op.op);
    tracked.set(op.key, rule.leaves === 'same' ? holds : rule.leaves);
  }
  return found;
}

/** applies `op`; `found` is what the store holds at its key (AGAIN: look it up) */
function applyOp(keys: Map<string, Value>, op: RenderedOp, found: Found): void {
  switch (op.op) {
    case 'set':
      keys.set(op.key, { type: 'string', value: op.value });
      return;
    case 'del':
      if (found !== undefined) keys.delete(op.key);
      return;
    case 'hset': {
      let value = found === AGAIN ? keys.get(op.key) : found;
      if (value?.type !== 'hash') keys.set(op.key, (value = { type: 'hash', fields: new Map() }));
      const fields = value.fields;
      const given = op.fields;
      // Object.keys, not for-in: the ops' field records come in many shapes, and for-in over them is the slow path
      const names = Object.keys(given);
      for (let i = 0; i < names.length; i++) fields.set(names[i]!, given[names[i]!]!);
      return;
    }
    case 'hdel': {
      const value = found === AGAIN ? keys.get(op.key) : found;
      if (value?.type !== 'hash') return;
      for (const field of op.fields) value.fields.delete(field);
      if (value.fields.size === 0) keys.delete(op.key);
      return;
    }
    case 'zadd': {
      let value = found === AGAIN ? keys.get(op.key) : found;
      if (value?.type !== 'zset') keys.set(op.key, (value = { type: 'zset', set: new SortedSet() }));
      for (const entry of op.entries) value.set.add(entry.score, entry.member);
      return;
    }
    case 'zrem':
    case 'ztrim': {
      const value = found === AGAIN ? keys.get(op.key) : found;
      if (value?.type !== 'zset') return;
      if (op.op === 'zrem') for (const member of op.members) value.set.remove(member);
      else value.set.keepNewest(op.keepNewest);
      if (value.set.size === 0) keys.delete(op.key);
      return;
    }
    case 'sadd': {
      let value = found === AGAIN ? keys.get(op.key) : found;
      if (value?.type !== 'set') keys.set(op.key, (value = { type: 'set', members: new Set() }));
      for (const member of op.members) value.members.add(member);
      return;
    }
    case 'srem': {
      const value = found === AGAIN ? keys.get(op.key) : found;
      if (value?.type !== 'set') return;
      for (const member of op.members) value.members.delete(member);
      if (value.members.size === 0) keys.delete(op.key);
      return;
    }
  }
}

function dumpOf(value: Value): DumpValue {
  switch (value.type) {
    case 'string':
      return { type: 'string', value: value.value };
    case 'hash':
      return { type: 'hash', fields: sortedRecord(value.fields) };
    case 'zset':
      return { type: 'zset', entries: value.set.all() };
    case 'set':
      return { type: 'set', members: sortByCodePoints([...value.members]) };
  }
}

function sortedRecord(fields: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of sortedFields([...fields.keys()])) out[field] = fields.get(field)!;
  return out;
}

/** the last field list sorted, as it came and sorted */
let lastFields: { given: string[]; sorted: string[] } = { given: [], sorted: [] };

/**
 * The fields in code point order. Hashes of one model mostly have the same fields in the same
 * order (every order hash, every user's balance), so an export sorts each field list once.
 */
function sortedFields(given: string[]): string[] {
  const last = lastFields;
  if (given.length === last.given.length) {
    let same = true;
    for (let i = 0; i < given.length && same; i++) same = given[i] === last.given[i];
    if (same) return last.sorted;
  }
  lastFields = { given, sorted: sortByCodePoints([...given]) };
  return lastFields.sorted;
}

class MemoryView implements ReadView {
  constructor(
    private readonly store: MemoryReadStore,
    readonly projection: string,
    readonly version: number,
    private readonly prefix: string,
  ) {}

  private at(key: string): Value | undefined {
    assertReadKey(key);
    return this.store.read(this.prefix, key);
  }

  /** like Redis: a missing key reads as empty, a key of another type is an error */
  private typed<T extends Value['type']>(key: string, type: T, op: string): Extract<Value, { type: T }> | undefined {
    const value = this.at(key);
    if (value === undefined) return undefined;
    if (value.type !== type) throw new ReadStoreWrongType(key, value.type, op);
    return value as Extract<Value, { type: T }>;
  }

  async get(key: string): Promise<string | null> {
    const value = this.typed(key, 'string', 'get');
    return value !== undefined ? value.value : null;
  }

  async mget(keys: readonly string[]): Promise<Array<string | null>> {
    // like MGET: a key of another type reads as null, not as an error
    return keys.map((key) => {
      const value = this.at(key);
      return value?.type === 'string' ? value.value : null;
    });
  }

  async hget(key: string, field: string): Promise<string | null> {
    const value = this.typed(key, 'hash', 'hget');
    return value !== undefined ? (value.fields.get(field) ?? null) : null;
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    const value = this.typed(key, 'hash', 'hgetall');
    return value !== undefined ? sortedRecord(value.fields) : {};
  }

  async zrevrange(key: string, start: number, stop: number): Promise<string[]> {
    return (await this.zrevrangeWithScores(key, start, stop)).map((entry) => entry.member);
  }

  async zrevrangeWithScores(key: string, start: number, stop: number): Promise<ZEntry[]> {
    assertRanks(start, stop);
    const value = this.typed(key, 'zset', 'zrevrangeWithScores');
    return value !== undefined ? value.set.revRange(start, stop) : [];
  }

  async zrevrangeByScore(key: string, range: { max: number; min: number; offset?: number; count?: number }): Promise<ZEntry[]> {
    const { max, min, offset, count } = normaliseScoreRange(range);
    const value = this.typed(key, 'zset', 'zrevrangeByScore');
    return value !== undefined ? value.set.revRangeByScore(max, min, offset, count) : [];
  }

  async zscore(key: string, member: string): Promise<number | null> {
    const value = this.typed(key, 'zset', 'zscore');
    return value !== undefined ? value.set.score(member) : null;
  }

  async zcard(key: string): Promise<number> {
    const value = this.typed(key, 'zset', 'zcard');
    return value !== undefined ? value.set.size : 0;
  }

  async smembers(key: string): Promise<string[]> {
    const value = this.typed(key, 'set', 'smembers');
    return value !== undefined ? sortByCodePoints([...value.members]) : [];
  }

  async sismember(key: string, member: string): Promise<boolean> {
    const value = this.typed(key, 'set', 'sismember');
    return value !== undefined ? value.members.has(member) : false;
  }

  async scard(key: string): Promise<number> {
    const value = this.typed(key, 'set', 'scard');
    return value !== undefined ? value.members.size : 0;
  }

  async exists(key: string): Promise<boolean> {
    return this.at(key) !== undefined;
  }
}

export function createMemoryReadStore(): MemoryReadStore {
  return new MemoryReadStore();
}
