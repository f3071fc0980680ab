/**
 * The ReadStore port (DESIGN §9): where projections keep their read models.
 *
 * A projection never talks to Redis directly. Its pure `event → writes` function returns
 * `WriteOp`s on LOGICAL keys; the store places them under `rm:{projection}:v{N}:{key}` and
 * applies a whole batch together with the projection's checkpoint in one atomic step, guarded
 * so a batch at or before the stored checkpoint changes nothing (re-applying is a no-op).
 *
 * The data structures are the subset both adapters give with identical semantics: strings,
 * hashes, sorted sets (newest-first pages) and sets. Values are strings; money is written as
 * absolute decimal strings computed in TypeScript — there is deliberately no increment op.
 */
import type { Position } from '../../eventstore/port.js';
import type { FieldValue } from './deferred.js';

export type WriteOp =
  /** replaces whatever the key held (like Redis SET) */
  | { op: 'set'; key: string; value: string }
  | { op: 'hset'; key: string; fields: Readonly<Record<string, string>>; deferred?: undefined }
  /** fields whose values may be Deferred: rendered only if the write survives compaction (deferred.ts) */
  | { op: 'hset'; key: string; fields: Readonly<Record<string, FieldValue>>; deferred: true }
  | { op: 'hdel'; key: string; fields: readonly string[] }
  | { op: 'del'; key: string }
  /** `score` is a safe integer, so both adapters order exactly alike */
  | { op: 'zadd'; key: string; entries: readonly ZEntry[] }
  | { op: 'zrem'; key: string; members: readonly string[] }
  /** keep only the `keepNewest` highest-ranked members: bounds a newest-first list */
  | { op: 'ztrim'; key: string; keepNewest: number }
  | { op: 'sadd'; key: string; members: readonly string[] }
  | { op: 'srem'; key: string; members: readonly string[] };

export type WriteBatch = readonly WriteOp[];

/** an op as the stores write it: every hash field value a string (deferred values rendered) */
export type RenderedOp = Exclude<WriteOp, { op: 'hset' }> | { op: 'hset'; key: string; fields: Readonly<Record<string, string>>; deferred?: undefined };

export interface ZEntry {
  score: number;
  member: string;
}

export interface ApplyOptions {
  /**
   * Apply only if the stored checkpoint is exactly this (null: none stored yet). A projector
   * passes the checkpoint its fold was computed from, so a fold that went stale (another
   * runner moved on, a stale restart) can never write values computed from the wrong base.
   */
  expectedCheckpoint?: Position | null;
}

export interface ApplyResult {
  /** false when the stored checkpoint was already at or after the batch's position, or not the expected one */
  applied: boolean;
  /** the checkpoint after the call */
  checkpoint: Position;
}

/**
 * Reads of one projection version. Sorted-set ranges follow Redis: ranks are 0-based and
 * inclusive, negative ranks count from the end, ties in score order by member (code point order,
 * which is UTF-8 byte order). Sets are returned sorted by code point, so both adapters agree.
 */
export interface ReadView {
  readonly projection: string;
  readonly version: number;
  get(key: string): Promise<string | null>;
  mget(keys: readonly string[]): Promise<Array<string | null>>;
  hget(key: string, field: string): Promise<string | null>;
  /** `{}` when the hash does not exist */
  hgetall(key: string): Promise<Record<string, string>>;
  /** members from the highest score down: "newest first" when the score grows with time */
  zrevrange(key: string, start: number, stop: number): Promise<string[]>;
  zrevrangeWithScores(key: string, start: number, stop: number): Promise<ZEntry[]>;
  /** highest first, with max ≥ score ≥ min, skipping `offset`, at most `count` */
  zrevrangeByScore(key: string, range: { max: number; min: number; offset?: number; count?: number }): Promise<ZEntry[]>;
  zscore(key: string, member: string): Promise<number | null>;
  zcard(key: string): Promise<number>;
  smembers(key: string): Promise<string[]>;
  sismember(key: string, member: string): Promise<boolean>;
  scard(key: string): Promise<number>;
  exists(key: string): Promise<boolean>;
}

/** One logical key's content, as `exportVersion` lists it (canonical: comparable with deepEqual). */
export type DumpValue =
  | { type: 'string'; value: string }
  | { type: 'hash'; fields: Record<string, string> }
  | { type: 'zset'; entries: ZEntry[] }
  | { type: 'set'; members: string[] };

export interface ReadStore {
  /** 'memory' | 'redis': for status and logs */
  readonly kind: string;

  /**
   * Applies `ops` to version `version` of `projection` and sets its checkpoint to `position`,
   * atomically, only if the stored checkpoint is older than `position` (and equal to
   * `expectedCheckpoint` when given). A batch that would
   * hit a key of another type fails with ReadStoreWrongType and changes nothing.
   */
  applyBatch(projection: string, version: number, ops: WriteBatch, position: Position, options?: ApplyOptions): Promise<ApplyResult>;
  /** null when the version has never had a batch applied */
  checkpoint(projection: string, version: number): Promise<Position | null>;

  /** the version readers are sent to; null before the first switch */
  currentVersion(projection: string): Promise<number | null>;
  /**
   * Points readers at `to`, only if the pointer still says `from` (null = unset). Returns whether
   * it switched, so two runners racing cannot both win.
   */
  switchVersion(projection: string, change: { from: number | null; to: number }): Promise<boolean>;
  /** versions that have a checkpoint, ascending */
  versions(projection: string): Promise<number[]>;
  /** removes every key of the version (in bounded steps); refuses the current version */
  deleteVersion(projection: string, version: number): Promise<number>;

  /** reads of the current version; null when no version is current */
  view(projection: string): Promise<ReadView | null>;
  /** reads of a given version (a projector reloading its fold reads its own version) */
  versionView(projection: string, version: number): ReadView;

  /** every logical key of a version with its content, keys sorted: for audits and tests */
  exportVersion(projection: string, version: number): Promise<Record<string, DumpValue>>;

  close(): Promise<void>;
}
