/**
 * The ledger fold and per-event audit as they were with decimal.js sums (before money/exactSum),
 * kept verbatim as the reference the exact-integer fold is compared with on generated entries,
 * odd values included.
 */
import { Decimal, ZERO, canonical, dec, isCanonical } from '../../../domain/money/decimal.js';
import type { Book, JournalLine } from '../../../domain/shared/events.js';
import { PLATFORM, categoryOf, isDebitNormal, isUserFundsAccount, type AccountCategory } from '../../../domain/ledger/accounts.js';
import type { AuditRule, AuditedEvent, PositionSnapshot, Violation } from '../../../domain/ledger/audit.js';
import { PLATFORM_OWNER, type BalanceRow } from '../../../domain/ledger/balances.js';

function balanceDelta(line: JournalLine): Decimal | undefined {
  const category = categoryOf(line.book, line.account);
  if (category === undefined) return undefined;
  const amount = dec(line.amount);
  const increases = (line.direction === 'DEBIT') === isDebitNormal(category);
  return increases ? amount : amount.negated();
}

interface GroupSides {
  book: Book;
  owner: string;
  asset: string;
  debitSide: Decimal;
  creditSide: Decimal;
}

interface Cell {
  book: Book;
  owner: string;
  account: string;
  asset: string;
  category: AccountCategory;
  amount: Decimal;
}

/**
 * Running balances per book / owner / account / asset, folded from journal lines. A mutable
 * accumulator (the replay folds millions of lines); it never clamps and never throws for odd
 * values — the audit judges them. Lines for accounts outside the chart are skipped here and
 * reported by the audit's entry check.
 */
export class DecimalBalances {
  private readonly cells = new Map<string, Cell>();
  /** Σ of every user's wallet + margins per asset, kept incrementally for the per-event audit */
  private readonly userFundsByAsset = new Map<string, Decimal>();
  /** Σ(A + X) and Σ(L + E + R) per (book, owner, asset), kept incrementally */
  private readonly groups = new Map<string, GroupSides>();

  apply(lines: readonly JournalLine[], userId?: string): void {
    for (const l of lines) {
      const delta = balanceDelta(l);
      if (delta === undefined) continue;
      const owner = l.book === 'USER' ? userId : PLATFORM_OWNER;
      if (owner === undefined) throw new TypeError(`user-book line ${l.account} without a userId`);
      const key = cellKey(l.book, owner, l.account, l.asset);
      const cell = this.cells.get(key);
      if (cell) cell.amount = cell.amount.plus(delta);
      else this.cells.set(key, { book: l.book, owner, account: l.account, asset: l.asset, category: categoryOf(l.book, l.account)!, amount: delta });
      const groupKey = cellKey(l.book, owner, '', l.asset);
      let g = this.groups.get(groupKey);
      if (!g) this.groups.set(groupKey, (g = { book: l.book, owner, asset: l.asset, debitSide: ZERO, creditSide: ZERO }));
      if (isDebitNormal(categoryOf(l.book, l.account)!)) g.debitSide = g.debitSide.plus(delta);
      else g.creditSide = g.creditSide.plus(delta);
      if (l.book === 'USER' && isUserFundsAccount(l.account)) {
        this.userFundsByAsset.set(l.asset, (this.userFundsByAsset.get(l.asset) ?? ZERO).plus(delta));
      }
    }
  }

  get(book: Book, owner: string, account: string, asset: string): Decimal {
    return this.cells.get(cellKey(book, owner, account, asset))?.amount ?? ZERO;
  }

  platform(account: string, asset: string): Decimal {
    return this.get('PLATFORM', PLATFORM_OWNER, account, asset);
  }

  /** Σ users (wallet.available + wallet.frozen + Σ margin.*) for an asset. */
  userFunds(asset: string): Decimal {
    return this.userFundsByAsset.get(asset) ?? ZERO;
  }

  assets(): string[] {
    return [...new Set([...this.cells.values()].map((c) => c.asset))].sort();
  }

  rows(): BalanceRow[] {
    return [...this.cells.values()]
      .map((c) => ({ book: c.book, owner: c.owner, account: c.account, asset: c.asset, category: c.category, balance: canonical(c.amount) }))
      .sort((a, b) => cmp(a.book, b.book) || cmp(a.owner, b.owner) || cmp(a.asset, b.asset) || cmp(a.account, b.account));
  }

  /** Per (book, owner, asset): Σ(A + X) and Σ(L + E + R). */
  sides(): GroupSides[] {
    return [...this.groups.values()].map((g) => ({ ...g }));
  }

  /** Σ(A + X) and Σ(L + E + R) of one (book, owner, asset). */
  side(book: Book, owner: string, asset: string): GroupSides {
    const g = this.groups.get(cellKey(book, owner, '', asset));
    return g ? { ...g } : { book, owner, asset, debitSide: ZERO, creditSide: ZERO };
  }

  clone(): DecimalBalances {
    const copy = new DecimalBalances();
    for (const [k, c] of this.cells) copy.cells.set(k, { ...c });
    for (const [k, v] of this.userFundsByAsset) copy.userFundsByAsset.set(k, v);
    for (const [k, g] of this.groups) copy.groups.set(k, { ...g });
    return copy;
  }
}

function cellKey(book: Book, owner: string, account: string, asset: string): string {
  return `${book}\u0000${owner}\u0000${account}\u0000${asset}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function violation(rule: AuditRule, detail: string, eventId?: string): Violation {
  return eventId === undefined ? { rule, detail } : { rule, eventId, detail };
}

/** Lines of a $ event (undefined when it carries none). */
function linesOf(event: AuditedEvent): JournalLine[] | undefined {
  const data = event.data as { lines?: unknown } | null | undefined;
  return Array.isArray(data?.lines) ? (data!.lines as JournalLine[]) : undefined;
}

function userIdOf(event: AuditedEvent): string | undefined {
  const data = event.data as { userId?: unknown } | null | undefined;
  return typeof data?.userId === 'string' ? data.userId : undefined;
}

function isWellFormedLine(l: JournalLine): boolean {
  return (
    l !== null && typeof l === 'object' &&
    (l.book === 'USER' || l.book === 'PLATFORM') &&
    (l.direction === 'DEBIT' || l.direction === 'CREDIT') &&
    typeof l.account === 'string' && typeof l.asset === 'string' && l.asset.length > 0 &&
    typeof l.amount === 'string' && isCanonical(l.amount) && !l.amount.startsWith('-') && l.amount !== '0'
  );
}

/** One entry: well-formed lines, known accounts, Σ debit = Σ credit per book and asset. */
function checkEntry(lines: readonly JournalLine[], eventId?: string, userId?: string): Violation[] {
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
function checkIdentities(balances: DecimalBalances, eventId?: string): Violation[] {
  const out: Violation[] = [];
  for (const s of balances.sides()) {
    if (!s.debitSide.equals(s.creditSide)) {
      out.push(violation('IDENTITY', `${s.book} ${s.owner} ${s.asset}: A + X = ${canonical(s.debitSide)} ≠ L + E + R = ${canonical(s.creditSide)}`, eventId));
    }
  }
  return out;
}

/** liability.userFunds = Σ users (wallet.available + wallet.frozen + Σ margin) per asset. */
function checkUserFunds(balances: DecimalBalances, assets: readonly string[] = balances.assets(), eventId?: string): Violation[] {
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
function checkQuiescent(balances: DecimalBalances, positions: readonly PositionSnapshot[]): Violation[] {
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
export class DecimalAuditor {
  readonly balances = new DecimalBalances();
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

