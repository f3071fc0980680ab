/**
 * The projection half of the fold: the registered projections into fresh in-memory read models,
 * committed in compacted batches like the runtime's runner commits them. The read models live in
 * the fold's calling thread (they are its result and by far its largest part); a projection
 * folded in the worker thread commits there by message (parallel.ts).
 */
import type { EventFilter, Position, RecordedEvent } from '../../eventstore/port.js';
import { allProjections } from '../../projections/index.js';
import type { OrdersState } from '../../projections/models/orders.js';
import type { PositionsState } from '../../projections/models/positions.js';
import type { Projection } from '../../projections/runner/projection.js';
import { compactBatch } from '../../projections/store/compact.js';
import { MemoryReadStore } from '../../projections/store/memory.js';
import { MAX_OPS_PER_BATCH } from '../../projections/store/ops.js';
import type { DumpValue, WriteOp } from '../../projections/store/port.js';
import { compareCodePoints } from '../../projections/store/keys.js';
import type { EventViolation } from './auditSide.js';
import { StateHasher, renderStoredModel, type RenderedModel } from './hash.js';
import type { PositionEntry } from './fold.js';

const FLUSH_EVENTS = 2000;
/**
 * A flush is due sooner once this many writes wait. Each projection's flush is one batch (a
 * second batch at the same checkpoint would be refused as already applied, its writes lost), and
 * a store takes at most MAX_OPS_PER_BATCH ops: half of it leaves room for the writes of the event
 * that crosses the mark.
 */
const FLUSH_WRITES = MAX_OPS_PER_BATCH / 2;

interface Running {
  projection: Projection<any>;
  /** the projection's place in the registry: of one event, violations are reported in this order */
  rank: number;
  state: unknown;
  writes: WriteOp[];
  stopped: boolean;
}

/** where a flush commits a projection's compacted writes (the read store, or a message to it) */
export type Commit = (projection: string, version: number, writes: WriteOp[], position: Position) => unknown;

/** what a projection fold knows at its end besides its committed writes */
export interface ProjectionsEnd {
  perEvent: EventViolation[];
  /** when it ran the positions projection: every position, sorted by user and symbol */
  positions?: PositionEntry[];
  /** when it ran the orders projection: the ids of the orders still open */
  openOrders?: string[];
}

/**
 * Some (or all) of the registered projections, folded event by event and committed every
 * FLUSH_EVENTS events of the log (the events they skip count too, so two folds over the same
 * log commit at the same positions, whichever projections each runs), or sooner once
 * FLUSH_WRITES writes wait; every projection ends checkpointed at the fold's last event.
 */
export class ProjectionFold {
  private readonly running: Running[];
  private readonly perEvent: EventViolation[] = [];
  private sinceFlush = 0;
  /** writes of every projection since the last flush, before compaction */
  private pendingWrites = 0;

  constructor(projections: readonly Projection<any>[], private readonly commit: Commit) {
    this.running = projections.map((projection) => ({ projection, rank: 1 + allProjections.indexOf(projection), state: projection.initialState(), writes: [], stopped: false }));
  }

  apply(event: RecordedEvent, seq: number): void {
    for (const r of this.running) this.applyTo(r, event, seq);
    this.sinceFlush += 1;
  }

  /** an event none of these projections takes (see `wants`): it only counts towards the next flush */
  skip(): void {
    this.sinceFlush += 1;
  }

  /** whether any of these projections takes events of this stream and type */
  wants(stream: string, type: string): boolean {
    return this.running.some((r) => matchesFilter(r.projection.filter, { stream, type }));
  }

  get flushDue(): boolean {
    return this.sinceFlush >= FLUSH_EVENTS || this.pendingWrites >= FLUSH_WRITES;
  }

  /** commits the pending writes of every projection, checkpointed at `position` (the last event applied) */
  async flush(position: Position): Promise<void> {
    for (const r of this.running) {
      // the runner commits compacted batches; so does the fold (the same end state, fewer writes)
      await this.commit(r.projection.name, r.projection.version, compactBatch(r.writes), position);
      r.writes = [];
    }
    this.sinceFlush = 0;
    this.pendingWrites = 0;
  }

  end(): ProjectionsEnd {
    const out: ProjectionsEnd = { perEvent: this.perEvent };
    const positions = this.running.find((x) => x.projection.name === 'positions');
    if (positions) out.positions = positionEntries(positions.state as PositionsState);
    const orders = this.running.find((x) => x.projection.name === 'orders');
    if (orders) out.openOrders = [...(orders.state as OrdersState).open.keys()];
    return out;
  }

  private applyTo(r: Running, event: RecordedEvent, seq: number): void {
    if (r.stopped || !matchesFilter(r.projection.filter, event)) return;
    try {
      const step = r.projection.apply(r.state, event);
      r.state = step.state;
      for (const w of step.writes) r.writes.push(w);
      this.pendingWrites += step.writes.length;
    } catch (error) {
      // like the runtime's runner: the projection stops at the impossible event and says why
      r.stopped = true;
      this.perEvent.push({ seq, rank: r.rank, violation: { rule: 'PROJECTION_STOPPED', eventIds: [event.id], detail: `${r.projection.name}: ${(error as Error).message}` } });
    }
  }
}

export type Models = Record<string, Record<string, DumpValue>>;

/** the models of `projections` as committed to `readModels`, keys sorted */
export async function exportModels(readModels: MemoryReadStore, projections: readonly Projection<any>[] = allProjections): Promise<Models> {
  const models: Models = {};
  for (const p of projections) models[p.name] = await readModels.exportVersion(p.name, p.version);
  return models;
}

/** exportModels, synchronously: what a fold's `models` holds once asked for */
export function exportModelsNow(readModels: MemoryReadStore, projections: readonly Projection<any>[] = allProjections): Models {
  const models: Models = {};
  for (const p of projections) models[p.name] = readModels.exportVersionNow(p.name, p.version);
  return models;
}

/**
 * stateHash(exportModels(readModels, projections)), read from the store in place (no export is
 * built), a model at a time in name order. `advance` takes the models already complete: those
 * next in name order go straight into the hash, the others are written as text ahead of their
 * turn — so a thread does almost all of the hashing of its own models while another thread still
 * folds the rest, whichever they are.
 */
export class ModelsHash {
  private readonly hasher = new StateHasher();
  private readonly order: Projection<any>[];
  private next = 0;
  private readonly ahead = new Map<Projection<any>, RenderedModel>();

  constructor(private readonly readModels: MemoryReadStore, projections: readonly Projection<any>[] = allProjections) {
    this.order = [...projections].sort((a, b) => compareCodePoints(a.name, b.name));
  }

  /** hashes (or writes ahead) every model among `complete` not done yet */
  advance(complete: readonly Projection<any>[]): void {
    for (;;) {
      const p = this.order[this.next];
      if (p === undefined) break;
      const text = this.ahead.get(p);
      if (text !== undefined) {
        this.hasher.renderedModel(p.name, text);
        this.ahead.delete(p);
      } else if (complete.includes(p)) this.hasher.storedModel(p.name, this.readModels.storedEntries(p.name, p.version));
      else break;
      this.next += 1;
    }
    for (let i = this.next; i < this.order.length; i++) {
      const p = this.order[i]!;
      if (complete.includes(p) && !this.ahead.has(p)) this.ahead.set(p, renderStoredModel(p.name, this.readModels.storedEntries(p.name, p.version)));
    }
  }

  /** every model is complete: the hash */
  digest(): string {
    this.advance(this.order);
    return this.hasher.digest();
  }
}

function positionEntries(state: PositionsState): PositionEntry[] {
  const out: PositionEntry[] = [];
  for (const [id, position] of state.positions) {
    const [userId, symbol] = id.split('\u0000') as [string, string];
    out.push({ userId, symbol, state: position });
  }
  return out.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

/** the subscription filter semantics of the port (DESIGN §3.1): types and stream prefixes must both match */
function matchesFilter(filter: EventFilter | undefined, event: Pick<RecordedEvent, 'stream' | 'type'>): boolean {
  if (!filter) return true;
  if (filter.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  const prefixes = filter.streamPrefixes;
  if (prefixes) {
    // a plain loop: 8 projections × every event of the log
    for (let i = 0; i < prefixes.length; i++) if (event.stream.startsWith(prefixes[i]!)) return true;
    return false;
  }
  return true;
}
