import { Decimal, ZERO, canonical, dec } from '../money/decimal.js';
import { ExactSum, NOT_CANONICAL_POSITIVE, canonicalPositiveMinor } from '../money/exactSum.js';
import type { Book, JournalLine } from '../shared/events.js';
import type { PositionSide } from '../shared/types.js';
import { PLATFORM, categoryOf } from './accounts.js';
import { LedgerBalances, PLATFORM_OWNER, type BalanceGroup, type FoldAmount } from './balances.js';

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
  return wellFormedAmount(l) !== undefined;
}

/**
 * The amount of a well-formed line — a USER/PLATFORM DEBIT/CREDIT line with a positive canonical
 * amount — parsed for the fold (minor units, or a Decimal off the scale); undefined otherwise.
 * One pass over the text instead of a regex, then a parse.
 */
export function wellFormedAmount(l: JournalLine): FoldAmount | undefined {
  if (
    l === null || typeof l !== 'object' ||
    (l.book !== 'USER' && l.book !== 'PLATFORM') ||
    (l.direction !== 'DEBIT' && l.direction !== 'CREDIT') ||
    typeof l.account !== 'string' || typeof l.asset !== 'string' || l.asset.length === 0 ||
    typeof l.amount !== 'string'
  ) return undefined;
  const minor = canonicalPositiveMinor(l.amount);
  if (minor > 0) return minor;
  return minor === NOT_CANONICAL_POSITIVE ? undefined : dec(l.amount);
}

function negated(a: FoldAmount): FoldAmount {
  return typeof a === 'number' ? -a : a.negated();
}

/** Σ debit − Σ credit of one (book, asset) of an entry. */
interface EntryNet {
  book: Book;
  asset: string;
  net: ExactSum;
}

function netOf(nets: EntryNet[], book: Book, asset: string): ExactSum {
  for (const n of nets) if (n.book === book && n.asset === asset) return n.net;
  const net = new ExactSum();
  nets.push({ book, asset, net });
  return net;
}

/** user-book lines on an event without userId (a null line throws here, before anything is posted, as it did) */
function orphanUserLinesOf(lines: readonly JournalLine[], userId: string | undefined): boolean {
  return userId === undefined && lines.some((l) => l.book === 'USER');
}

function malformed(l: JournalLine, eventId: string | undefined): Violation {
  return violation('LINE_MALFORMED', `line ${JSON.stringify(l)} is not a USER/PLATFORM DEBIT/CREDIT line with a positive canonical amount`, eventId);
}

function unknownAccount(l: JournalLine, eventId: string | undefined): Violation {
  return violation('UNKNOWN_ACCOUNT', `${l.book} account ${l.account} is not in the chart`, eventId);
}

/** the entry rules after the per-line ones, in the order checkEntry reports them */
function entryEnd(out: Violation[], orphanUserLines: boolean, nets: readonly EntryNet[], eventId: string | undefined): void {
  if (orphanUserLines) {
    out.push(violation('USER_LINES_WITHOUT_USER', 'user-book lines on an event without userId', eventId));
  }
  for (const n of nets) {
    if (!n.net.isZero()) out.push(violation('ENTRY_UNBALANCED', `${n.book} ${n.asset}: Σ debit − Σ credit = ${n.net.canonical()}`, eventId));
  }
}

/**
 * One entry: well-formed lines, known accounts, Σ debit = Σ credit per book and asset. With
 * `amounts`, each well-formed line's parsed amount is left at its index, so a caller that then
 * posts the entry (LedgerBalances.post) parses every amount once.
 */
export function checkEntry(lines: readonly JournalLine[], eventId?: string, userId?: string, amounts?: Array<FoldAmount | undefined>): Violation[] {
  const out: Violation[] = [];
  const nets: EntryNet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const amount = wellFormedAmount(l);
    if (amounts !== undefined) amounts[i] = amount;
    if (amount === undefined) {
      out.push(malformed(l, eventId));
      continue;
    }
    if (categoryOf(l.book, l.account) === undefined) out.push(unknownAccount(l, eventId));
    netOf(nets, l.book, l.asset).add(l.direction === 'DEBIT' ? amount : negated(amount));
  }
  entryEnd(out, orphanUserLinesOf(lines, userId), nets, eventId);
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

/** a group named by a line of an account outside the chart (looked up, never created) */
interface Touch {
  book: Book;
  owner: string;
  asset: string;
}

function sameSum(a: ExactSum | undefined, b: ExactSum | undefined): boolean {
  if (a === undefined) return b === undefined || b.isZero();
  return b === undefined ? a.isZero() : a.equals(b);
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
    const eventId = event.id;
    const orphanUserLines = orphanUserLinesOf(lines, userId);
    const out: Violation[] = [];
    // one pass: checkEntry's rules, then the lines posted — well-formed ones with an owner, of
    // known accounts — and the groups and assets they touch collected in first-touch order
    const nets: EntryNet[] = [];
    const touched: Array<BalanceGroup | Touch> = [];
    const assets: string[] = [];
    for (const l of lines) {
      const amount = wellFormedAmount(l);
      if (amount === undefined) {
        out.push(malformed(l, eventId));
        continue;
      }
      const category = categoryOf(l.book, l.account);
      if (category === undefined) out.push(unknownAccount(l, eventId));
      const debit = l.direction === 'DEBIT';
      netOf(nets, l.book, l.asset).add(debit ? amount : negated(amount));
      if (!assets.includes(l.asset)) assets.push(l.asset);
      const owner = l.book === 'USER' ? userId : PLATFORM_OWNER;
      if (owner === undefined) continue;
      if (category === undefined) touched.push({ book: l.book, owner, asset: l.asset });
      else {
        const g = this.balances.post(l.book, owner, l.account, l.asset, category, debit, amount);
        if (touched[touched.length - 1] !== g) touched.push(g);
      }
    }
    entryEnd(out, orphanUserLines, nets, eventId);
    const checked: BalanceGroup[] = [];
    for (const t of touched) {
      // a line of an unknown account touches its group only if the group exists
      const g = 'cells' in t ? t : this.balances.groupOf(t.book, t.owner, t.asset);
      if (g === undefined || checked.includes(g)) continue;
      checked.push(g);
      if (!g.debitSide.equals(g.creditSide)) {
        out.push(violation('IDENTITY', `${g.book} ${g.owner} ${g.asset}: A + X = ${g.debitSide.canonical()} ≠ L + E + R = ${g.creditSide.canonical()}`, eventId));
      }
    }
    for (const asset of assets) {
      const liability = this.balances.sum('PLATFORM', PLATFORM_OWNER, PLATFORM.liabilityUserFunds, asset);
      const users = this.balances.userFundsSum(asset);
      if (!sameSum(liability, users)) {
        out.push(violation('USER_FUNDS', `${asset}: liability.userFunds = ${liability?.canonical() ?? '0'} ≠ Σ user wallet + margins = ${users?.canonical() ?? '0'}`, eventId));
      }
    }
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
