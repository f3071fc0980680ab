/**
 * foldLog: the whole log (or a prefix of it) folded into fresh in-memory read models through the
 * SAME projection functions the runtime runs, plus the audit: the domain's ledger auditor per
 * $ event, the log checks, the quiescence tracker, and at the final (quiescent) position the
 * cross-book and perpetual invariants of DESIGN §6. Reusable: the proof of reserves takes
 * `ledgerBalances`, `positions` and `marks` at `quiescentPosition` from it.
 */
import { embeddedLogDir } from '../../eventstore/embedded/index.js';
import { readLogRecords } from '../../eventstore/embedded/segmentReader.js';
import { comparePositions, type EventStore, type Position, type RecordedEvent } from '../../eventstore/port.js';
import { PLATFORM } from '../../domain/ledger/accounts.js';
import { checkQuiescent, type PositionSnapshot } from '../../domain/ledger/audit.js';
import type { LedgerBalances } from '../../domain/ledger/balances.js';
import { canonical, dec } from '../../domain/money/decimal.js';
import type { PositionState } from '../../domain/position/index.js';
import { allProjections } from '../../projections/index.js';
import { MemoryReadStore } from '../../projections/store/memory.js';
import type { DumpValue } from '../../projections/store/port.js';
import { AuditFold, balancesFromWire, fromLedger, type AuditOutcome, type EventViolation, type FrozenHold } from './auditSide.js';
import { WORKER_PROJECTIONS, startAuditWorker } from './parallel.js';
import { ModelsHash, ProjectionFold, exportModelsNow, type ProjectionsEnd } from './projectionSide.js';
import { QuiescenceTracker, type Pending } from './quiescence.js';

export interface Violation {
  rule: string;
  eventIds: string[];
  detail: string;
}

export interface FoldOptions {
  /** fold up to the latest quiescent position at or before this one (inclusive) */
  to?: Position;
  /** a live system may be mid-work at the end of its log: report pending work without failing */
  allowPendingAtEnd?: boolean;
  onProgress?: (progress: { events: number; position: Position }) => void;
  /** events between progress calls */
  progressEvery?: number;
  /**
   * A store opened on disk is folded by two threads, the audit and some projections in a worker
   * (parallel.ts): by default once the log to fold holds PARALLEL_MIN_BYTES (starting a worker
   * costs more than folding a small log), with true whatever its size; false folds in this
   * thread only. Both give the same result; other stores always fold here.
   */
  parallel?: boolean;
  /**
   * The state hash is computed when `stateHash` is first read instead of at the end of the fold
   * (the models must not change before): the proof of reserves reads it while its proof files
   * are being written by another thread.
   */
  deferStateHash?: boolean;
}

export interface PositionEntry {
  userId: string;
  symbol: string;
  state: PositionState;
}

export interface FoldResult {
  /** the fresh read models, each projection at its registry version */
  readModels: MemoryReadStore;
  /**
   * every projection's exported model, keys sorted, in registry order: exported from `readModels`
   * when first read (the fold's own hash reads the store in place, and most callers never need it)
   */
  readonly models: Record<string, Record<string, DumpValue>>;
  ledgerBalances: LedgerBalances;
  positions: PositionEntry[];
  /** symbol → { price, quoteAsset } (mark as of the fold's end; null before any) */
  marks: Record<string, { price: string | null; quoteAsset: string }>;
  /** the position the models are at: the last event folded */
  position: Position;
  /** the latest quiescent position among those folded (= position when the end is quiescent) */
  quiescentPosition: Position;
  quiescentAtEnd: boolean;
  /** the position asked for with `to`, when given */
  requestedPosition: Position | null;
  pending: Pending[];
  stateHash: string;
  violations: Violation[];
  counts: { events: number; byType: Record<string, number>; streams: number; journalEntries: number };
}

/** The latest quiescent position at or before `to` (one read pass with the tracker only). */
export async function quiescentPositionAtOrBefore(store: EventStore, to: Position): Promise<Position> {
  const tracker = new QuiescenceTracker();
  for await (const event of store.readAll()) {
    if (comparePositions(event.position, to) > 0) break;
    tracker.apply(event);
  }
  return tracker.quiescentPosition;
}

/** What the thread that reads for the projections learns of the log by itself. */
interface LogFacts {
  events: number;
  byType: Record<string, number>;
  marks: FoldResult['marks'];
  position: Position;
}

export async function foldLog(store: EventStore, options: FoldOptions = {}): Promise<FoldResult> {
  const requested = options.to ?? null;
  const stopAt = requested === null ? null : await quiescentPositionAtOrBefore(store, requested);
  const dir = options.parallel === false ? undefined : embeddedLogDir(store);
  if (dir === undefined) return foldHere(store, stopAt, options);
  const through = stopAt ?? (await store.headPosition());
  // a position is a byte offset + 1: the log's size up to there, give or take its last record
  if (options.parallel !== true && Number(through) < PARALLEL_MIN_BYTES) return foldHere(store, through, options);
  return foldInParallel(dir, through, options);
}

/**
 * The size of log from which a fold on disk takes two threads by default (some 45,000 events).
 * Starting the worker costs about 0.35 s of CPU (loading its modules); it saves the calling
 * thread about 10 µs per event (measured on the benchmarks' logs), so below this it is no gain.
 */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/** the whole fold in this thread, from any store */
async function foldHere(store: EventStore, stopAt: Position | null, options: FoldOptions): Promise<FoldResult> {
  const readModels = new MemoryReadStore();
  const audit = new AuditFold();
  const projections = new ProjectionFold(allProjections, (name, version, writes, position) => readModels.applyBatch(name, version, writes, position));
  const facts = newFacts();
  const progressEvery = options.progressEvery ?? 50_000;
  if (stopAt !== '0') {
    for await (const event of store.readAll()) {
      if (stopAt !== null && comparePositions(event.position, stopAt) > 0) break;
      const seq = noteEvent(facts, event);
      audit.apply(event, seq);
      projections.apply(event, seq);
      if (projections.flushDue) await projections.flush(facts.position);
      if (options.onProgress && seq % progressEvery === 0) options.onProgress({ events: seq, position: facts.position });
    }
  }
  await projections.flush(facts.position);
  const ended = projections.end();
  const hash = new ModelsHash(readModels);
  return assemble(facts, readModels, hash, [ended], ended.positions!, new Set(ended.openOrders), audit.outcome(), audit.balances, options);
}

/**
 * The log on disk up to `through` (a record's position, or '0'), in two threads that each read
 * and decode it: the audit and some projections in a worker (parallel.ts), the rest here.
 */
async function foldInParallel(dir: string, through: Position, options: FoldOptions): Promise<FoldResult> {
  const readModels = new MemoryReadStore();
  const worker = startAuditWorker({ dir, through }, readModels);
  try {
    const mine = allProjections.filter((p) => !WORKER_PROJECTIONS.includes(p.name));
    const projections = new ProjectionFold(mine, (name, version, writes, position) => readModels.applyBatch(name, version, writes, position));
    const facts = newFacts();
    try {
      await foldMine(dir, through, projections, facts, options, () => {
        if (worker.failure) throw worker.failure;
      });
    } catch (error) {
      // this thread leaves the records' checksums to the worker: a damaged record is its to report
      const failure = await worker.result.then(() => null, (e: unknown) => e);
      throw failure instanceof Error && failure.name === 'StoreCorrupted' ? failure : error;
    }
    await projections.flush(facts.position);
    const here = projections.end();
    // while the worker ends: the models of this thread that come first in name order are complete
    const hash = new ModelsHash(readModels);
    hash.advance(mine);
    const { outcome, balances, projections: there } = await worker.result;
    // both threads read the same records: anything else is a bug, not a finding about the log
    if (outcome.events !== facts.events || outcome.position !== facts.position) {
      throw new Error(`the fold's threads read different logs: ${facts.events} events to ${facts.position} here, ${outcome.events} to ${outcome.position} in the worker`);
    }
    const positions = here.positions ?? there.positions!;
    const open = new Set(here.openOrders ?? there.openOrders!);
    return assemble(facts, readModels, hash, [here, there], positions, open, outcome, balancesFromWire(balances), options);
  } finally {
    await worker.stop();
  }
}

/** this thread's part of a parallel fold: its projections, the counts and the marks */
async function foldMine(dir: string, through: Position, projections: ProjectionFold, facts: LogFacts, options: FoldOptions, checkWorker: () => void): Promise<void> {
  const progressEvery = options.progressEvery ?? 50_000;
  // the records none of these projections (nor the marks) take are counted, never parsed
  const wanted = (stream: string, type: string): boolean => MARK_TYPES.has(type) || projections.wants(stream, type);
  for await (const batch of readLogRecords(dir, through, wanted, { checkBodies: false, checkHeaders: false })) {
    checkWorker();
    for (const record of batch) {
      let seq: number;
      if ('skipped' in record) {
        seq = noteRecord(facts, record);
        projections.skip();
      } else {
        seq = noteEvent(facts, record);
        projections.apply(record, seq);
      }
      if (projections.flushDue) await projections.flush(facts.position);
      if (options.onProgress && seq % progressEvery === 0) options.onProgress({ events: seq, position: facts.position });
    }
  }
}

function newFacts(): LogFacts {
  return { events: 0, byType: {}, marks: {}, position: '0' };
}

/** counts the event and follows the marks; returns its 1-based number in the fold */
function noteEvent(facts: LogFacts, event: RecordedEvent): number {
  trackMarks(facts.marks, event);
  return noteRecord(facts, event);
}

/** counts a record (decoded or not: not one of MARK_TYPES); returns its 1-based number in the fold */
function noteRecord(facts: LogFacts, record: { type: string; position: Position }): number {
  facts.events += 1;
  facts.byType[record.type] = (facts.byType[record.type] ?? 0) + 1;
  facts.position = record.position;
  return facts.events;
}

/** the event types the marks follow */
const MARK_TYPES: ReadonlySet<string> = new Set(['InstrumentListed', 'MarkPriceSet', 'TradeExecuted']);

/** The fold's parts as one result; the violations in the order a one-thread fold finds them. */
function assemble(facts: LogFacts, readModels: MemoryReadStore, hash: ModelsHash, ends: ProjectionsEnd[], positions: PositionEntry[], open: ReadonlySet<string>, audit: AuditOutcome, balances: LedgerBalances, options: FoldOptions): FoldResult {
  const violations: Violation[] = inEventOrder([audit.perEvent, ...ends.map((e) => e.perEvent)]);
  violations.push(...audit.logViolations);
  const { marks } = facts;
  if (audit.quiescent) {
    violations.push(...audit.finishViolations);
    for (const v of checkQuiescent(balances, snapshots(positions, marks))) violations.push(fromLedger(v));
    violations.push(...custodyCheck(balances));
    violations.push(...endedOrdersHolding(positions, open, audit.frozenHolds));
  } else if (!options.allowPendingAtEnd) {
    for (const p of audit.pending) violations.push({ rule: 'NOT_QUIESCENT', eventIds: [p.eventId], detail: `${p.eventType} at ${p.position}: ${p.obligation} is missing` });
  }
  violations.push(...audit.checkAllViolations);
  let models: FoldResult['models'] | undefined;
  return withStateHash({
    readModels,
    get models() {
      return (models ??= exportModelsNow(readModels));
    },
    ledgerBalances: balances, positions, marks, position: facts.position,
    quiescentPosition: audit.quiescentPosition, quiescentAtEnd: audit.quiescent, requestedPosition: options.to ?? null, pending: audit.pending,
    stateHash: '', violations: dedupe(violations),
    counts: { events: facts.events, byType: facts.byType, streams: audit.streams, journalEntries: audit.journalEntries },
  }, hash, options);
}

/** the hash now, or (deferStateHash) when first read */
function withStateHash(result: FoldResult, hash: ModelsHash, options: FoldOptions): FoldResult {
  if (!options.deferStateHash) {
    result.stateHash = hash.digest();
    return result;
  }
  let digest: string | undefined;
  return Object.defineProperty(result, 'stateHash', { get: () => (digest ??= hash.digest()), enumerable: true });
}

/** per-event violations of every part by event, and of one event by their finder's rank */
function inEventOrder(parts: readonly (readonly EventViolation[])[]): Violation[] {
  return parts.flat().sort((a, b) => a.seq - b.seq || a.rank - b.rank).map((v) => v.violation);
}

function trackMarks(marks: FoldResult['marks'], event: RecordedEvent): void {
  const d = event.data as Record<string, unknown>;
  if (event.type === 'InstrumentListed') marks[String(d.symbol)] = { price: null, quoteAsset: String(d.quoteAsset) };
  else if ((event.type === 'MarkPriceSet' || event.type === 'TradeExecuted') && marks[String(d.symbol)]) marks[String(d.symbol)]!.price = String(d.price);
}

function snapshots(positions: PositionEntry[], marks: FoldResult['marks']): PositionSnapshot[] {
  return positions
    .filter((p) => p.state.side !== null && !dec(p.state.qty).isZero())
    .map((p) => ({ owner: p.userId, symbol: p.symbol, asset: marks[p.symbol]?.quoteAsset ?? 'USDT', side: p.state.side!, qty: p.state.qty, entryNotional: p.state.entryNotional }));
}

/** custody.wallet = liability.userFunds + revenue.fees − clearing.pnl + equity.insuranceFund (DESIGN §6) */
function custodyCheck(balances: LedgerBalances): Violation[] {
  const out: Violation[] = [];
  for (const asset of balances.assets()) {
    const custody = balances.platform(PLATFORM.custodyWallet, asset);
    const expected = balances.platform(PLATFORM.liabilityUserFunds, asset).plus(balances.platform(PLATFORM.revenueFees, asset)).minus(balances.platform(PLATFORM.clearingPnl, asset)).plus(balances.platform(PLATFORM.equityInsuranceFund, asset));
    if (!custody.equals(expected)) out.push({ rule: 'CUSTODY', eventIds: [], detail: `${asset}: custody.wallet ${canonical(custody)} ≠ userFunds + fees − clearing.pnl + insuranceFund = ${canonical(expected)}` });
  }
  return out;
}

/** no order that ended (or was never open) still reserves quantity at a position or holds frozen funds */
function endedOrdersHolding(positions: PositionEntry[], open: ReadonlySet<string>, frozenHolds: readonly FrozenHold[]): Violation[] {
  const out: Violation[] = [];
  for (const p of positions) {
    for (const orderId of Object.keys(p.state.orders)) {
      if (!open.has(orderId)) out.push({ rule: 'ENDED_ORDER_HOLDS', eventIds: [], detail: `order ${orderId} is not open but position ${p.userId} ${p.symbol} still tracks it (reserved ${p.state.reservations.find((r) => r.orderId === orderId)?.qty ?? '0'})` });
    }
  }
  for (const h of frozenHolds) {
    if (!open.has(h.orderId)) out.push({ rule: 'ENDED_ORDER_HOLDS', eventIds: [], detail: `order ${h.orderId} is not open but ${h.stream} still holds ${h.margin} margin + ${h.fee} fee frozen for it` });
  }
  return out;
}

function dedupe(violations: Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const k = `${v.rule}|${v.eventIds.join(',')}|${v.detail}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
