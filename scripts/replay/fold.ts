/**
 * foldLog: the whole log (or a prefix of it) folded into fresh in-memory read models through the
 * SAME projection functions the runtime runs, plus the audit: the domain's ledger auditor per
 * $ event, the log checks, the quiescence tracker, and at the final (quiescent) position the
 * cross-book and perpetual invariants of DESIGN §6. Reusable: the proof of reserves takes
 * `ledgerBalances`, `positions` and `marks` at `quiescentPosition` from it.
 */
import { comparePositions, type EventFilter, type EventStore, type Position, type RecordedEvent } from '../../eventstore/port.js';
import { evolve as accountEvolve, initialState as accountInitial, type AccountState } from '../../domain/account/index.js';
import { PLATFORM } from '../../domain/ledger/accounts.js';
import { LedgerAuditor, type PositionSnapshot, type Violation as LedgerViolation } from '../../domain/ledger/audit.js';
import type { LedgerBalances } from '../../domain/ledger/balances.js';
import { canonical, dec } from '../../domain/money/decimal.js';
import type { PositionState } from '../../domain/position/index.js';
import { allProjections } from '../../projections/index.js';
import type { PositionsState } from '../../projections/models/positions.js';
import type { OrdersState } from '../../projections/models/orders.js';
import type { Projection } from '../../projections/runner/projection.js';
import { compactBatch } from '../../projections/store/compact.js';
import { MemoryReadStore } from '../../projections/store/memory.js';
import type { DumpValue, WriteOp } from '../../projections/store/port.js';
import { LogChecks } from './checks.js';
import { stateHash } from './hash.js';
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
}

export interface PositionEntry {
  userId: string;
  symbol: string;
  state: PositionState;
}

export interface FoldResult {
  /** the fresh read models, each projection at its registry version */
  readModels: MemoryReadStore;
  /** every projection's exported model, keys sorted */
  models: Record<string, Record<string, DumpValue>>;
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

const FLUSH_EVENTS = 2000;

interface Running {
  projection: Projection<any>;
  state: unknown;
  writes: WriteOp[];
  stopped: boolean;
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

export async function foldLog(store: EventStore, options: FoldOptions = {}): Promise<FoldResult> {
  const requested = options.to ?? null;
  const stopAt = requested === null ? null : await quiescentPositionAtOrBefore(store, requested);
  const readModels = new MemoryReadStore();
  const running: Running[] = allProjections.map((projection) => ({ projection, state: projection.initialState(), writes: [], stopped: false }));
  const auditor = new LedgerAuditor();
  const checks = new LogChecks();
  const tracker = new QuiescenceTracker();
  const accounts = new Map<string, AccountState>();
  const marks: FoldResult['marks'] = {};
  const violations: Violation[] = [];
  const byType: Record<string, number> = {};
  let events = 0;
  let journalEntries = 0;
  let position: Position = '0';
  let sinceFlush = 0;
  const progressEvery = options.progressEvery ?? 50_000;

  const flush = async (): Promise<void> => {
    for (const r of running) {
      // the runner commits compacted batches; so does the fold (the same end state, fewer writes)
      const writes = compactBatch(r.writes);
      // a batch is bounded; the checkpoint moves with the last slice
      for (let i = 0; i < writes.length || i === 0; i += 40_000) await readModels.applyBatch(r.projection.name, r.projection.version, writes.slice(i, i + 40_000), position);
      r.writes = [];
    }
    sinceFlush = 0;
  };

  if (stopAt !== '0' || requested === null) {
    for await (const event of store.readAll()) {
      if (stopAt !== null && comparePositions(event.position, stopAt) > 0) break;
      events += 1;
      byType[event.type] = (byType[event.type] ?? 0) + 1;
      position = event.position;
      checks.apply(event);
      tracker.apply(event);
      const ledger = auditor.apply(event);
      if (Array.isArray((event.data as { lines?: unknown }).lines)) journalEntries += 1;
      for (const v of ledger) violations.push(fromLedger(v, event));
      if (event.stream.startsWith('account-')) accounts.set(event.stream, accountEvolve(accounts.get(event.stream) ?? accountInitial(), event));
      trackMarks(marks, event);
      for (const r of running) applyProjection(r, event, violations);
      sinceFlush += 1;
      if (sinceFlush >= FLUSH_EVENTS) await flush();
      if (options.onProgress && events % progressEvery === 0) options.onProgress({ events, position });
    }
  }
  await flush();
  for (const v of checks.violations) violations.push(v);

  const positions = positionEntries(running);
  const quiescentAtEnd = tracker.quiescent;
  const pending = tracker.pending();
  if (quiescentAtEnd) {
    for (const v of checks.finish()) violations.push(v);
    for (const v of auditor.checkQuiescent(snapshots(positions, marks))) violations.push(fromLedger(v));
    violations.push(...custodyCheck(auditor.balances));
    violations.push(...endedOrdersHolding(running, positions, accounts));
  } else if (!options.allowPendingAtEnd) {
    for (const p of pending) violations.push({ rule: 'NOT_QUIESCENT', eventIds: [p.eventId], detail: `${p.eventType} at ${p.position}: ${p.obligation} is missing` });
  }
  for (const v of auditor.checkAll()) violations.push(fromLedger(v));

  const models: FoldResult['models'] = {};
  for (const r of running) models[r.projection.name] = await readModels.exportVersion(r.projection.name, r.projection.version);
  return {
    readModels, models, ledgerBalances: auditor.balances, positions, marks, position,
    quiescentPosition: tracker.quiescentPosition, quiescentAtEnd, requestedPosition: requested, pending,
    stateHash: stateHash(models), violations: dedupe(violations),
    counts: { events, byType, streams: checks.streamCount(), journalEntries },
  };
}

function applyProjection(r: Running, event: RecordedEvent, violations: Violation[]): void {
  if (r.stopped || !matchesFilter(r.projection.filter, event)) return;
  try {
    const step = r.projection.apply(r.state, event);
    r.state = step.state;
    for (const w of step.writes) r.writes.push(w);
  } catch (error) {
    // like the runtime's runner: the projection stops at the impossible event and says why
    r.stopped = true;
    violations.push({ rule: 'PROJECTION_STOPPED', eventIds: [event.id], detail: `${r.projection.name}: ${(error as Error).message}` });
  }
}

/** the subscription filter semantics of the port (DESIGN §3.1): types and stream prefixes must both match */
function matchesFilter(filter: EventFilter | undefined, event: RecordedEvent): boolean {
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

function trackMarks(marks: FoldResult['marks'], event: RecordedEvent): void {
  const d = event.data as Record<string, unknown>;
  if (event.type === 'InstrumentListed') marks[String(d.symbol)] = { price: null, quoteAsset: String(d.quoteAsset) };
  else if ((event.type === 'MarkPriceSet' || event.type === 'TradeExecuted') && marks[String(d.symbol)]) marks[String(d.symbol)]!.price = String(d.price);
}

function positionEntries(running: Running[]): PositionEntry[] {
  const r = running.find((x) => x.projection.name === 'positions')!;
  const out: PositionEntry[] = [];
  for (const [id, state] of (r.state as PositionsState).positions) {
    const [userId, symbol] = id.split('\u0000') as [string, string];
    out.push({ userId, symbol, state });
  }
  return out.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
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
function endedOrdersHolding(running: Running[], positions: PositionEntry[], accounts: Map<string, AccountState>): Violation[] {
  const open = (running.find((x) => x.projection.name === 'orders')!.state as OrdersState).open;
  const out: Violation[] = [];
  for (const p of positions) {
    for (const orderId of Object.keys(p.state.orders)) {
      if (!open.has(orderId)) out.push({ rule: 'ENDED_ORDER_HOLDS', eventIds: [], detail: `order ${orderId} is not open but position ${p.userId} ${p.symbol} still tracks it (reserved ${p.state.reservations.find((r) => r.orderId === orderId)?.qty ?? '0'})` });
    }
  }
  for (const [stream, account] of accounts) {
    for (const [orderId, frozen] of Object.entries(account.openOrders)) {
      if (!open.has(orderId) && dec(frozen.margin).plus(frozen.fee).greaterThan(0)) out.push({ rule: 'ENDED_ORDER_HOLDS', eventIds: [], detail: `order ${orderId} is not open but ${stream} still holds ${frozen.margin} margin + ${frozen.fee} fee frozen for it` });
    }
  }
  return out;
}

function fromLedger(v: LedgerViolation, event?: RecordedEvent): Violation {
  const id = v.eventId ?? event?.id;
  return { rule: v.rule, eventIds: id === undefined ? [] : [id], detail: v.detail };
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
