/**
 * The audit half of the fold: the domain's ledger auditor per $ event, the log checks, the
 * quiescence tracker and the account states. It needs nothing from the projection half while it
 * folds, so it can run in a thread of its own (auditWorker.ts); at the end it hands over small,
 * plain results (`AuditOutcome`), and the ledger balances, which the fold's caller keeps.
 */
import { evolve as accountEvolve, initialState as accountInitial, type AccountState } from '../../domain/account/index.js';
import { categoryOf, isDebitNormal } from '../../domain/ledger/accounts.js';
import { LedgerAuditor, type Violation as LedgerViolation } from '../../domain/ledger/audit.js';
import { LedgerBalances } from '../../domain/ledger/balances.js';
import type { Direction } from '../../domain/shared/events.js';
import { dec } from '../../domain/money/decimal.js';
import type { Position, RecordedEvent } from '../../eventstore/port.js';
import { LogChecks } from './checks.js';
import type { Violation } from './fold.js';
import { QuiescenceTracker, type Pending } from './quiescence.js';

/**
 * A violation found while folding, with the 1-based number of its event in the fold and its
 * finder's rank: the audit's (0) come first, then the projections' in registry order.
 */
export interface EventViolation {
  seq: number;
  rank: number;
  violation: Violation;
}

/** an account still holding funds frozen for an order (whether the order ended is the projections' to say) */
export interface FrozenHold {
  stream: string;
  orderId: string;
  margin: string;
  fee: string;
}

export interface AuditOutcome {
  events: number;
  /** the last event folded ('0' before any) */
  position: Position;
  perEvent: EventViolation[];
  /** the log checks' violations found while folding */
  logViolations: Violation[];
  quiescent: boolean;
  quiescentPosition: Position;
  pending: Pending[];
  /** the log checks that need the whole quiescent log; empty when the end is not quiescent */
  finishViolations: Violation[];
  /** identities and user funds over the final balances */
  checkAllViolations: Violation[];
  frozenHolds: FrozenHold[];
  streams: number;
  journalEntries: number;
}

export class AuditFold {
  private readonly auditor = new LedgerAuditor();
  private readonly checks = new LogChecks();
  private readonly tracker = new QuiescenceTracker();
  private readonly accounts = new Map<string, AccountState>();
  private readonly perEvent: EventViolation[] = [];
  private events = 0;
  private journalEntries = 0;
  private position: Position = '0';

  get balances(): LedgerBalances {
    return this.auditor.balances;
  }

  apply(event: RecordedEvent, seq: number): void {
    this.events += 1;
    this.position = event.position;
    this.checks.apply(event);
    this.tracker.apply(event);
    const ledger = this.auditor.apply(event);
    if (Array.isArray((event.data as { lines?: unknown }).lines)) this.journalEntries += 1;
    for (const v of ledger) this.perEvent.push({ seq, rank: 0, violation: fromLedger(v, event) });
    if (event.stream.startsWith('account-')) this.accounts.set(event.stream, accountEvolve(this.accounts.get(event.stream) ?? accountInitial(), event));
  }

  outcome(): AuditOutcome {
    const quiescent = this.tracker.quiescent;
    const frozenHolds: FrozenHold[] = [];
    for (const [stream, account] of this.accounts) {
      for (const [orderId, frozen] of Object.entries(account.openOrders)) {
        if (dec(frozen.margin).plus(frozen.fee).greaterThan(0)) frozenHolds.push({ stream, orderId, margin: frozen.margin, fee: frozen.fee });
      }
    }
    return {
      events: this.events,
      position: this.position,
      perEvent: this.perEvent,
      logViolations: [...this.checks.violations],
      quiescent,
      quiescentPosition: this.tracker.quiescentPosition,
      pending: this.tracker.pending(),
      finishViolations: quiescent ? this.checks.finish() : [],
      checkAllViolations: this.auditor.checkAll().map((v) => fromLedger(v)),
      frozenHolds,
      streams: this.checks.streamCount(),
      journalEntries: this.journalEntries,
    };
  }
}

export function fromLedger(v: LedgerViolation, event?: RecordedEvent): Violation {
  const id = v.eventId ?? event?.id;
  return { rule: v.rule, eventIds: id === undefined ? [] : [id], detail: v.detail };
}

/** The balances as plain rows for another thread: book, owner, account, asset, normal balance, repeated. */
export function balancesToWire(balances: LedgerBalances): string[] {
  const out: string[] = [];
  for (const r of balances.rows()) out.push(r.book, r.owner, r.account, r.asset, r.balance);
  return out;
}

/**
 * The same balances rebuilt through the ledger's own fold: one line per row that moves the
 * account from zero to its balance (a negative normal balance is a line the other way).
 */
export function balancesFromWire(wire: readonly string[]): LedgerBalances {
  const balances = new LedgerBalances();
  for (let i = 0; i < wire.length; i += 5) {
    const book = wire[i] as 'USER' | 'PLATFORM';
    const owner = wire[i + 1]!;
    const account = wire[i + 2]!;
    const asset = wire[i + 3]!;
    const balance = wire[i + 4]!;
    const category = categoryOf(book, account);
    // rows exist only for accounts of the chart: anything else did not come from balancesToWire
    if (category === undefined) throw new TypeError(`balance row for ${book} account ${account} outside the chart`);
    const negative = balance.startsWith('-');
    const normal: Direction = isDebitNormal(category) ? 'DEBIT' : 'CREDIT';
    const direction: Direction = negative ? (normal === 'DEBIT' ? 'CREDIT' : 'DEBIT') : normal;
    balances.apply([{ book, account, asset, direction, amount: negative ? balance.slice(1) : balance }], book === 'USER' ? owner : undefined);
  }
  return balances;
}
