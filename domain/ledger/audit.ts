import { Decimal, ZERO, canonical, dec, isCanonical } from '../money/decimal.js';
import type { Book, JournalLine } from '../shared/events.js';
import type { PositionSide } from '../shared/types.js';
import { PLATFORM, categoryOf } from './accounts.js';
import { LedgerBalances, PLATFORM_OWNER } from './balances.js';

/**
 * The ledger audit of DESIGN §6. It reports violations as values — it never throws for one and
 * never repairs or clamps anything. Per-entry rules (balanced entries, both identities, the
 * user-funds sum) hold after every event; the rules needing both legs of every trade settled
 * (open interest, clearing.pnl) are checked only at quiescent positions, with the positions
 * supplied by the caller (the position fold is not the ledger's).
 */

export type AuditRule =
  | 'LINE_MALFORMED'
  | 'UNKNOWN_ACCOUNT'
  | 'USER_LINES_WITHOUT_USER'
  | 'ENTRY_UNBALANCED'
  | 'IDENTITY'
  | 'USER_FUNDS'
  | 'OPEN_INTEREST'
  | 'CLEARING_PNL';

export interface Violation {
  rule: AuditRule;
  eventId?: string;
  detail: string;
}

/** What the audit reads of an event: journal lines and the user they belong to, if any. */
export interface AuditedEvent {
  id?: string;
  type: string;
  data: unknown;
}

/** A position at a quiescent log position (insurance positions included). */
export interface PositionSnapshot {
  owner: string;
  symbol: string;
  /** the symbol's quote asset, where clearing.pnl is kept */
  asset: string;
  side: PositionSide;
  qty: string;
  entryNotional: string;
}

function violation(rule: AuditRule, detail: string, eventId?: string): Violation {
  return eventId === undefined ? { rule, detail } : { rule, eventId, detail };
}

/** Lines of a $ event (undefined when it carries none). */
export function linesOf(event: AuditedEvent): JournalLine[] | undefined {
  const data = event.data as { lines?: unknown } | null | undefined;
  return Array.isArray(data?.lines) ? (data!.lines as JournalLine[]) : undefined;
}

export function userIdOf(event: AuditedEvent): string | undefined {
  const data = event.data as { userId?: unknown } | null | undefined;
  return typeof data?.userId === 'string' ? data.userId : undefined;
}

export function isWellFormedLine(l: JournalLine): boolean {
  return (
    l !== null && typeof l === 'object' &&
    (l.book === 'USER' || l.book === 'PLATFORM') &&
    (l.direction === 'DEBIT' || l.direction === 'CREDIT') &&
    typeof l.account === 'string' && typeof l.asset === 'string' && l.asset.length > 0 &&
    typeof l.amount === 'string' && isCanonical(l.amount) && !l.amount.startsWith('-') && l.amount !== '0'
  );
}

/** One entry: well-formed lines, known accounts, Σ debit = Σ credit per book and asset. */
export function checkEntry(lines: readonly JournalLine[], eventId?: string, userId?: string): Violation[] {
  const out: Violation[] = [];
  const net = new Map<string, Decimal>();
  for (const l of lines) {
    if (!isWellFormedLine(l)) {
      out.push(violation('LINE_MALFORMED', `line ${JSON.stringify(l)} is not a USER/PLATFORM DEBIT/CREDIT line with a positive canonical amount`, eventId));
      continue;
    }
    if (categoryOf(l.book, l.account) === undefined) out.push(violation('UNKNOWN_ACCOUNT', `${l.book} account ${l.account} is not in the chart`, eventId));
    const key = `${l.book} ${l.asset}`;
    const signed = l.direction === 'DEBIT' ? dec(l.amount) : dec(l.amount).negated();
    net.set(key, (net.get(key) ?? ZERO).plus(signed));
  }
  if (userId === undefined && lines.some((l) => l.book === 'USER')) {
    out.push(violation('USER_LINES_WITHOUT_USER', 'user-book lines on an event without userId', eventId));
  }
  for (const [key, d] of net) {
    if (!d.isZero()) out.push(violation('ENTRY_UNBALANCED', `${key}: Σ debit − Σ credit = ${canonical(d)}`, eventId));
  }
  return out;
}

/** A + X = L + E + R for every (book, owner, asset) present. */
export function checkIdentities(balances: LedgerBalances, eventId?: string): Violation[] {
  const out: Violation[] = [];
  for (const s of balances.sides()) {
    if (!s.debitSide.equals(s.creditSide)) {
      out.push(violation('IDENTITY', `${s.book} ${s.owner} ${s.asset}: A + X = ${canonical(s.debitSide)} ≠ L + E + R = ${canonical(s.creditSide)}`, eventId));
    }
  }
  return out;
}

/** liability.userFunds = Σ users (wallet.available + wallet.frozen + Σ margin) per asset. */
export function checkUserFunds(balances: LedgerBalances, assets: readonly string[] = balances.assets(), eventId?: string): Violation[] {
  const out: Violation[] = [];
  for (const asset of assets) {
    const liability = balances.platform(PLATFORM.liabilityUserFunds, asset);
    const users = balances.userFunds(asset);
    if (!liability.equals(users)) {
      out.push(violation('USER_FUNDS', `${asset}: liability.userFunds = ${canonical(liability)} ≠ Σ user wallet + margins = ${canonical(users)}`, eventId));
    }
  }
  return out;
}

/** At a quiescent position: open interest long = short per symbol, clearing.pnl = Σ signed entryNotional per asset. */
export function checkQuiescent(balances: LedgerBalances, positions: readonly PositionSnapshot[]): Violation[] {
  const out: Violation[] = [];
  const oi = new Map<string, { long: Decimal; short: Decimal }>();
  const signedNotional = new Map<string, Decimal>();
  for (const p of positions) {
    const qty = dec(p.qty);
    if (qty.isZero()) continue;
    const o = oi.get(p.symbol) ?? { long: ZERO, short: ZERO };
    if (p.side === 'LONG') o.long = o.long.plus(qty);
    else o.short = o.short.plus(qty);
    oi.set(p.symbol, o);
    const n = dec(p.entryNotional);
    signedNotional.set(p.asset, (signedNotional.get(p.asset) ?? ZERO).plus(p.side === 'LONG' ? n : n.negated()));
  }
  for (const [symbol, o] of [...oi].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!o.long.equals(o.short)) out.push(violation('OPEN_INTEREST', `${symbol}: long ${canonical(o.long)} ≠ short ${canonical(o.short)}`));
  }
  const assets = new Set([...balances.assets(), ...signedNotional.keys()]);
  for (const asset of [...assets].sort()) {
    const clearing = balances.platform(PLATFORM.clearingPnl, asset);
    const expected = signedNotional.get(asset) ?? ZERO;
    if (!clearing.equals(expected)) {
      out.push(violation('CLEARING_PNL', `${asset}: clearing.pnl = ${canonical(clearing)} ≠ Σ signed entryNotional = ${canonical(expected)}`));
    }
  }
  return out;
}

/**
 * Folds events one by one and checks the per-entry rules after each. Only the groups an event
 * touched are re-checked, so a replay stays linear in the log.
 */
export class LedgerAuditor {
  readonly balances = new LedgerBalances();
  eventsAudited = 0;

  apply(event: AuditedEvent): Violation[] {
    const lines = linesOf(event);
    if (lines === undefined) return [];
    this.eventsAudited++;
    const userId = userIdOf(event);
    const out = checkEntry(lines, event.id, userId);
    // malformed lines and orphan user lines are reported above and kept out of the balances
    this.balances.apply(lines.filter((l) => isWellFormedLine(l) && (l.book === 'PLATFORM' || userId !== undefined)), userId);
    const touched = new Map<string, { book: Book; owner: string; asset: string }>();
    for (const l of lines) {
      if (!isWellFormedLine(l)) continue;
      const owner = l.book === 'USER' ? userId : PLATFORM_OWNER;
      if (owner !== undefined) touched.set(`${l.book}|${owner}|${l.asset}`, { book: l.book, owner, asset: l.asset });
    }
    for (const g of touched.values()) {
      const s = this.balances.side(g.book, g.owner, g.asset);
      if (!s.debitSide.equals(s.creditSide)) {
        out.push(violation('IDENTITY', `${s.book} ${s.owner} ${s.asset}: A + X = ${canonical(s.debitSide)} ≠ L + E + R = ${canonical(s.creditSide)}`, event.id));
      }
    }
    out.push(...checkUserFunds(this.balances, [...new Set(lines.filter(isWellFormedLine).map((l) => l.asset))], event.id));
    return out;
  }

  checkAll(): Violation[] {
    return [...checkIdentities(this.balances), ...checkUserFunds(this.balances)];
  }

  checkQuiescent(positions: readonly PositionSnapshot[]): Violation[] {
    return checkQuiescent(this.balances, positions);
  }
}

/** Audit a whole sequence of events; with positions, also the quiescent rules at its end. */
export function auditEvents(events: Iterable<AuditedEvent>, options: { positions?: readonly PositionSnapshot[] } = {}): { violations: Violation[]; balances: LedgerBalances } {
  const auditor = new LedgerAuditor();
  const violations: Violation[] = [];
  for (const e of events) violations.push(...auditor.apply(e));
  if (options.positions) violations.push(...auditor.checkQuiescent(options.positions));
  return { violations, balances: auditor.balances };
}
