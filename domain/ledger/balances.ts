import { Decimal, ZERO, canonical, dec } from '../money/decimal.js';
import type { Book, JournalLine } from '../shared/events.js';
import { categoryOf, isDebitNormal, isUserFundsAccount, type AccountCategory } from './accounts.js';

/** Owner of the platform book's balances. */
export const PLATFORM_OWNER = 'platform';

export interface BalanceRow {
  book: Book;
  /** userId for the user book, PLATFORM_OWNER for the platform book */
  owner: string;
  account: string;
  asset: string;
  category: AccountCategory;
  /** in the account's normal direction: debit-normal for A and X, credit-normal for L, E, R */
  balance: string;
}

/** Change of an account's normal balance caused by one line; undefined outside the chart. */
export function balanceDelta(line: JournalLine): Decimal | undefined {
  const category = categoryOf(line.book, line.account);
  if (category === undefined) return undefined;
  const amount = dec(line.amount);
  const increases = (line.direction === 'DEBIT') === isDebitNormal(category);
  return increases ? amount : amount.negated();
}

export interface GroupSides {
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
export class LedgerBalances {
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

  clone(): LedgerBalances {
    const copy = new LedgerBalances();
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
