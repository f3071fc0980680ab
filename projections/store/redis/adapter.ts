/**
 * The Redis ReadStore (node-redis v6, RESP3). Every batch is ONE call of the APPLY_BATCH Lua
 * script, which checks the checkpoint guard and the type rule before its first write and sets
 * the checkpoint last, so model and checkpoint change together or not at all — a crash of this
 * process at any point can neither skip nor double-apply a batch.
 */
import { createClient } from 'redis';
import type { Position } from '../../../eventstore/port.js';
import { CurrentVersionInUse, ReadStoreClosed, ReadStoreError, ReadStoreWrongType } from '../errors.js';
import { assertPosition, assertProjectionName, assertVersion, checkpointKey, compareCodePoints, currentKey, CHECKPOINT_SUFFIX, versionOfCheckpointKey, versionPrefix } from '../keys.js';
import { renderedBatch } from '../deferred.js';
import { assertValidBatch, isEmptyOp } from '../ops.js';
import type { ApplyOptions, ApplyResult, DumpValue, ReadStore, ReadView, WriteBatch, ZEntry } from '../port.js';
import { assertRanks, assertReadKey, normaliseScoreRange, scoreBound } from '../reads.js';
import { encodeBatch, opNameOfCode } from './encode.js';
import { APPLY_BATCH, SWITCH_VERSION } from './scripts.js';

/** keys per SCAN step and per UNLINK, so deleting a large version never blocks Redis for long */
export const SCAN_COUNT = 500;

function makeClient(url: string, name?: string) {
  return createClient({ url, ...(name ? { name } : {}), scripts: { applyBatch: APPLY_BATCH, switchVersion: SWITCH_VERSION } });
}
type Client = ReturnType<typeof makeClient>;

export interface RedisReadStoreOptions {
  url: string;
  /** CLIENT SETNAME, so operators (and tests) can tell this connection apart */
  clientName?: string;
  /** told about connection errors (node-redis reconnects by itself); default: ignored, the next call fails */
  onConnectionError?: (error: Error) => void;
}

export async function openRedisReadStore(options: RedisReadStoreOptions): Promise<RedisReadStore> {
  const client = makeClient(options.url, options.clientName);
  // without a listener an 'error' event would crash the process on a dropped connection
  client.on('error', (error: Error) => options.onConnectionError?.(error));
  await client.connect();
  return new RedisReadStore(client);
}

export class RedisReadStore implements ReadStore {
  readonly kind = 'redis';
  private closed = false;

  constructor(private readonly client: Client) {}

  async applyBatch(projection: string, version: number, batch: WriteBatch, position: Position, options: ApplyOptions = {}): Promise<ApplyResult> {
    this.assertOpen();
    assertProjectionName(projection);
    assertVersion(version);
    assertPosition(position);
    const ops = renderedBatch(batch);
    assertValidBatch(ops);
    const expected = options.expectedCheckpoint;
    if (expected !== undefined && expected !== null) assertPosition(expected);
    const encoded = encodeBatch(versionPrefix(projection, version), checkpointKey(projection, version), ops.filter((op) => !isEmptyOp(op)), position, expected);
    let reply: [number, string];
    try {
      reply = (await this.client.applyBatch(encoded.keys, encoded.args)) as unknown as [number, string];
    } catch (error) {
      const message = (error as Error).message ?? '';
      const wrongType = /^RMWRONGTYPE (\d+) (\S+) (\S+)/.exec(message);
      if (wrongType) throw new ReadStoreWrongType(encoded.logicalKeys[Number(wrongType[1]) - 1]!, wrongType[2]!, opNameOfCode(wrongType[3]!));
      throw error;
    }
    return { applied: Number(reply[0]) === 1, checkpoint: String(reply[1]) };
  }

  async checkpoint(projection: string, version: number): Promise<Position | null> {
    this.assertOpen();
    assertProjectionName(projection);
    assertVersion(version);
    return this.client.get(checkpointKey(projection, version));
  }

  async currentVersion(projection: string): Promise<number | null> {
    this.assertOpen();
    assertProjectionName(projection);
    const value = await this.client.get(currentKey(projection));
    return value === null ? null : Number(value);
  }

  async switchVersion(projection: string, change: { from: number | null; to: number }): Promise<boolean> {
    this.assertOpen();
    assertProjectionName(projection);
    if (change.from !== null) assertVersion(change.from);
    assertVersion(change.to);
    const switched = await this.client.switchVersion(currentKey(projection), change.from === null ? '' : String(change.from), String(change.to));
    return Number(switched) === 1;
  }

  async versions(projection: string): Promise<number[]> {
    this.assertOpen();
    assertProjectionName(projection);
    const found = new Set<number>();
    for await (const keys of this.client.scanIterator({ MATCH: `rm:${projection}:v*:${CHECKPOINT_SUFFIX}`, COUNT: SCAN_COUNT })) {
      for (const key of keys) {
        const version = versionOfCheckpointKey(projection, key);
        if (version !== null) found.add(version);
      }
    }
    return [...found].sort((a, b) => a - b);
  }

  /**
   * SCAN + UNLINK in steps. The current-pointer check and the scan are not one atomic step:
   * switching readers TO a version while it is being deleted is a caller error.
   */
  async deleteVersion(projection: string, version: number): Promise<number> {
    this.assertOpen();
    assertProjectionName(projection);
    assertVersion(version);
    if ((await this.client.get(currentKey(projection))) === String(version)) throw new CurrentVersionInUse(projection, version);
    let removed = 0;
    for await (const keys of this.client.scanIterator({ MATCH: `${versionPrefix(projection, version)}*`, COUNT: SCAN_COUNT })) {
      if (keys.length > 0) removed += Number(await this.client.unlink(keys));
    }
    return removed;
  }

  async view(projection: string): Promise<ReadView | null> {
    const version = await this.currentVersion(projection);
    return version === null ? null : this.versionView(projection, version);
  }

  versionView(projection: string, version: number): ReadView {
    assertProjectionName(projection);
    assertVersion(version);
    return new RedisView(this, this.client, projection, version, versionPrefix(projection, version));
  }

  async exportVersion(projection: string, version: number): Promise<Record<string, DumpValue>> {
    this.assertOpen();
    assertProjectionName(projection);
    assertVersion(version);
    const prefix = versionPrefix(projection, version);
    const cpKey = checkpointKey(projection, version);
    const names: string[] = [];
    for await (const keys of this.client.scanIterator({ MATCH: `${prefix}*`, COUNT: SCAN_COUNT })) {
      for (const key of keys) if (key !== cpKey) names.push(key);
    }
    names.sort(compareCodePoints);
    const out: Record<string, DumpValue> = {};
    for (let i = 0; i < names.length; i += SCAN_COUNT) {
      const chunk = names.slice(i, i + SCAN_COUNT);
      const values = await Promise.all(chunk.map((name) => this.dump(name)));
      chunk.forEach((name, j) => {
        const value = values[j];
        if (value) out[name.slice(prefix.length)] = value;
      });
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  /** Drops the connection at once, replies in flight are lost: what a crash looks like to Redis. */
  destroy(): void {
    this.closed = true;
    this.client.destroy();
  }

  /** @internal for RedisView */
  assertOpen(): void {
    if (this.closed) throw new ReadStoreClosed();
  }

  private async dump(fullKey: string): Promise<DumpValue | null> {
    const type = await this.client.type(fullKey);
    switch (type) {
      case 'none':
        return null;
      case 'string':
        return { type: 'string', value: (await this.client.get(fullKey)) ?? '' };
      case 'hash':
        return { type: 'hash', fields: sortedRecord(await this.client.hGetAll(fullKey)) };
      case 'zset':
        return { type: 'zset', entries: (await this.client.zRangeWithScores(fullKey, 0, -1)).map(({ value, score }) => ({ member: value, score })) };
      case 'set':
        return { type: 'set', members: (await this.client.sMembers(fullKey)).sort(compareCodePoints) };
      default:
        throw new ReadStoreError(`read-model key ${fullKey} holds a Redis ${type}, which no projection writes`);
    }
  }
}

function sortedRecord(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of Object.keys(fields).sort(compareCodePoints)) out[field] = fields[field]!;
  return out;
}

class RedisView implements ReadView {
  constructor(
    private readonly store: RedisReadStore,
    private readonly client: Client,
    readonly projection: string,
    readonly version: number,
    private readonly prefix: string,
  ) {}

  /** runs a read of one key, translating WRONGTYPE into the port's error */
  private async read<T>(key: string, op: string, run: (fullKey: string) => Promise<T>): Promise<T> {
    assertReadKey(key);
    this.store.assertOpen();
    const fullKey = this.prefix + key;
    try {
      return await run(fullKey);
    } catch (error) {
      if (!String((error as Error).message).startsWith('WRONGTYPE')) throw error;
      throw new ReadStoreWrongType(key, await this.client.type(fullKey), op);
    }
  }

  get(key: string): Promise<string | null> {
    return this.read(key, 'get', (k) => this.client.get(k));
  }

  async mget(keys: readonly string[]): Promise<Array<string | null>> {
    keys.forEach(assertReadKey);
    this.store.assertOpen();
    if (keys.length === 0) return [];
    return this.client.mGet(keys.map((key) => this.prefix + key));
  }

  hget(key: string, field: string): Promise<string | null> {
    return this.read(key, 'hget', async (k) => (await this.client.hGet(k, field)) ?? null);
  }

  hgetall(key: string): Promise<Record<string, string>> {
    return this.read(key, 'hgetall', async (k) => sortedRecord(await this.client.hGetAll(k)));
  }

  async zrevrange(key: string, start: number, stop: number): Promise<string[]> {
    assertRanks(start, stop);
    return this.read(key, 'zrevrange', (k) => this.client.zRange(k, start, stop, { REV: true }));
  }

  async zrevrangeWithScores(key: string, start: number, stop: number): Promise<ZEntry[]> {
    assertRanks(start, stop);
    return this.read(key, 'zrevrangeWithScores', async (k) => (await this.client.zRangeWithScores(k, start, stop, { REV: true })).map(({ value, score }) => ({ member: value, score })));
  }

  async zrevrangeByScore(key: string, range: { max: number; min: number; offset?: number; count?: number }): Promise<ZEntry[]> {
    const { max, min, offset, count } = normaliseScoreRange(range);
    return this.read(key, 'zrevrangeByScore', async (k) => {
      const reply = (await this.client.sendCommand(['ZRANGE', k, scoreBound(max), scoreBound(min), 'BYSCORE', 'REV', 'LIMIT', String(offset), String(count ?? -1), 'WITHSCORES'])) as Array<[string, number]>;
      return reply.map(([member, score]) => ({ member, score: Number(score) }));
    });
  }

  zscore(key: string, member: string): Promise<number | null> {
    return this.read(key, 'zscore', async (k) => {
      const score = await this.client.zScore(k, member);
      return score === null ? null : Number(score);
    });
  }

  zcard(key: string): Promise<number> {
    return this.read(key, 'zcard', async (k) => Number(await this.client.zCard(k)));
  }

  smembers(key: string): Promise<string[]> {
    return this.read(key, 'smembers', async (k) => (await this.client.sMembers(k)).sort(compareCodePoints));
  }

  sismember(key: string, member: string): Promise<boolean> {
    return this.read(key, 'sismember', async (k) => Number(await this.client.sIsMember(k, member)) === 1);
  }

  scard(key: string): Promise<number> {
    return this.read(key, 'scard', async (k) => Number(await this.client.sCard(k)));
  }

  async exists(key: string): Promise<boolean> {
    return this.read(key, 'exists', async (k) => Number(await this.client.exists(k)) === 1);
  }
}
