import { Decimal, ZERO, dec } from '../money/decimal.js';
import { ExactSum, parseMinor } from '../money/exactSum.js';
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
  const increases = increasesBalance(line);
  if (increases === undefined) return undefined;
  const amount = dec(line.amount);
  return increases ? amount : amount.negated();
}

/**
 * Whether a line raises its account's normal balance by its amount (true) or lowers it (false);
 * undefined outside the chart. With money/exactSum's plusCanonical / minusCanonical, a fold of
 * canonical balance strings needs no Decimal per line.
 */
export function increasesBalance(line: JournalLine): boolean | undefined {
  const category = categoryOf(line.book, line.account);
  return category === undefined ? undefined : (line.direction === 'DEBIT') === isDebitNormal(category);
}

export interface GroupSides {
  book: Book;
  owner: string;
  asset: string;
  debitSide: Decimal;
  creditSide: Decimal;
}

export interface BalanceCell {
  account: string;
  category: AccountCategory;
  /** user funds: wallet.available, wallet.frozen or a margin account of the user book */
  userFunds: boolean;
  debitNormal: boolean;
  amount: ExactSum;
}

/** One (book, owner, asset): its cells and Σ(A + X), Σ(L + E + R), kept incrementally. */
export interface BalanceGroup {
  readonly book: Book;
  readonly owner: string;
  readonly asset: string;
  readonly debitSide: ExactSum;
  readonly creditSide: ExactSum;
  readonly cells: Map<string, BalanceCell>;
}

/**
 * An amount as the fold adds it: minor units (exactSum) when the text is on the scale, else its
 * Decimal. `signed` negates it.
 */
export type FoldAmount = number | Decimal;

function parsedAmount(text: string): FoldAmount {
  const minor = parseMinor(text);
  return minor === undefined ? dec(text) : minor;
}

function negated(a: FoldAmount): FoldAmount {
  return typeof a === 'number' ? -a : a.negated();
}

/**
 * Running balances per book / owner / account / asset, folded from journal lines. A mutable
 * accumulator (the replay folds millions of lines); it never clamps and never throws for odd
 * values — the audit judges them. Lines for accounts outside the chart are skipped here and
 * reported by the audit's entry check. Sums are exact integers of minor units (money/exactSum)
 * with the Decimal fold's values; Decimals and canonical strings are made at the edges.
 */
export class LedgerBalances {
  /** book → owner → asset → group: nested maps, no key string built per line */
  private readonly books = new Map<string, Map<string, Map<string, BalanceGroup>>>();
  /** groups in the order they appeared (the order sides() reports them in) */
  private readonly groupList: BalanceGroup[] = [];
  /** Σ of every user's wallet + margins per asset, kept incrementally for the per-event audit */
  private readonly userFundsByAsset = new Map<string, ExactSum>();

  apply(lines: readonly JournalLine[], userId?: string): void {
    for (const l of lines) {
      const category = categoryOf(l.book, l.account);
      if (category === undefined) continue;
      const amount = parsedAmount(l.amount);
      const owner = l.book === 'USER' ? userId : PLATFORM_OWNER;
      if (owner === undefined) throw new TypeError(`user-book line ${l.account} without a userId`);
      this.post(l.book, owner, l.account, l.asset, category, l.direction === 'DEBIT', amount);
    }
  }

  /**
   * One line of a known account, its amount already parsed (the audit parses each line once):
   * the cell, its group's side and the asset's user funds move by the change of the account's
   * normal balance. Returns the group.
   */
  post(book: Book, owner: string, account: string, asset: string, category: AccountCategory, debit: boolean, amount: FoldAmount): BalanceGroup {
    const debitNormal = isDebitNormal(category);
    const delta = debit === debitNormal ? amount : negated(amount);
    const g = this.groupOf(book, owner, asset) ?? this.newGroup(book, owner, asset);
    const cell = g.cells.get(account);
    if (cell) cell.amount.add(delta);
    else g.cells.set(account, { account, category, userFunds: book === 'USER' && isUserFundsAccount(account), debitNormal, amount: ExactSum.of(delta) });
    (debitNormal ? g.debitSide : g.creditSide).add(delta);
    if (cell ? cell.userFunds : book === 'USER' && isUserFundsAccount(account)) {
      let funds = this.userFundsByAsset.get(asset);
      if (!funds) this.userFundsByAsset.set(asset, (funds = new ExactSum()));
      funds.add(delta);
    }
    return g;
  }

  /** The group of (book, owner, asset), if any of its accounts ever moved. */
  groupOf(book: Book, owner: string, asset: string): BalanceGroup | undefined {
    return this.books.get(book)?.get(owner)?.get(asset);
  }

  /** a group is only made for the line that posts to it: assets() and sides() never list an empty one */
  private newGroup(book: Book, owner: string, asset: string): BalanceGroup {
    const g: BalanceGroup = { book, owner, asset, debitSide: new ExactSum(), creditSide: new ExactSum(), cells: new Map() };
    this.insert(g);
    return g;
  }

  /** The exact balance of one account (zero when it never moved). */
  sum(book: Book, owner: string, account: string, asset: string): ExactSum | undefined {
    return this.groupOf(book, owner, asset)?.cells.get(account)?.amount;
  }

  /** The exact Σ users (wallet.available + wallet.frozen + Σ margin.*) of an asset. */
  userFundsSum(asset: string): ExactSum | undefined {
    return this.userFundsByAsset.get(asset);
  }

  get(book: Book, owner: string, account: string, asset: string): Decimal {
    return this.sum(book, owner, account, asset)?.toDecimal() ?? ZERO;
  }

  /** The canonical balance string of one account ("0" when it never moved). */
  balance(book: Book, owner: string, account: string, asset: string): string {
    return this.sum(book, owner, account, asset)?.canonical() ?? '0';
  }

  platform(account: string, asset: string): Decimal {
    return this.get('PLATFORM', PLATFORM_OWNER, account, asset);
  }

  /** Σ users (wallet.available + wallet.frozen + Σ margin.*) for an asset. */
  userFunds(asset: string): Decimal {
    return this.userFundsByAsset.get(asset)?.toDecimal() ?? ZERO;
  }

  assets(): string[] {
    return [...new Set(this.groupList.map((g) => g.asset))].sort();
  }

  rows(): BalanceRow[] {
    return this.unsortedRows().sort((a, b) => cmp(a.book, b.book) || cmp(a.owner, b.owner) || cmp(a.asset, b.asset) || cmp(a.account, b.account));
  }

  /** rows() in no particular order: for callers that only sum them (sorting 100,000s of rows is not free) */
  unsortedRows(): BalanceRow[] {
    const out: BalanceRow[] = [];
    for (const g of this.groupList) {
      for (const c of g.cells.values()) out.push({ book: g.book, owner: g.owner, account: c.account, asset: g.asset, category: c.category, balance: c.amount.canonical() });
    }
    return out;
  }

  /** Per (book, owner, asset): Σ(A + X) and Σ(L + E + R). */
  sides(): GroupSides[] {
    return this.groupList.map(sidesOf);
  }

  /** Σ(A + X) and Σ(L + E + R) of one (book, owner, asset). */
  side(book: Book, owner: string, asset: string): GroupSides {
    const g = this.groupOf(book, owner, asset);
    return g ? sidesOf(g) : { book, owner, asset, debitSide: ZERO, creditSide: ZERO };
  }

  clone(): LedgerBalances {
    const copy = new LedgerBalances();
    for (const g of this.groupList) {
      const cells = new Map<string, BalanceCell>();
      for (const [account, c] of g.cells) cells.set(account, { ...c, amount: c.amount.clone() });
      copy.insert({ book: g.book, owner: g.owner, asset: g.asset, debitSide: g.debitSide.clone(), creditSide: g.creditSide.clone(), cells });
    }
    for (const [asset, funds] of this.userFundsByAsset) copy.userFundsByAsset.set(asset, funds.clone());
    return copy;
  }

  private insert(g: BalanceGroup): void {
    let owners = this.books.get(g.book);
    if (!owners) this.books.set(g.book, (owners = new Map()));
    let assets = owners.get(g.owner);
    if (!assets) owners.set(g.owner, (assets = new Map()));
    assets.set(g.asset, g);
    this.groupList.push(g);
  }
}

function sidesOf(g: BalanceGroup): GroupSides {
  return { book: g.book, owner: g.owner, asset: g.asset, debitSide: g.debitSide.toDecimal(), creditSide: g.creditSide.toDecimal() };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
