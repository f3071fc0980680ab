import type { Book } from '../shared/events.js';

/** Chart of accounts of DESIGN §6: one user book per user and asset, one platform book per asset. */

export type AccountCategory = 'ASSET' | 'EXPENSE' | 'LIABILITY' | 'EQUITY' | 'REVENUE';

export const USER = {
  walletAvailable: 'wallet.available',
  walletFrozen: 'wallet.frozen',
  expenseFees: 'expense.fees',
  expenseRealizedLoss: 'expense.realizedLoss',
  revenueRealizedProfit: 'revenue.realizedProfit',
  equityCapital: 'equity.capital',
} as const;

export const PLATFORM = {
  custodyWallet: 'custody.wallet',
  clearingPnl: 'clearing.pnl',
  liabilityUserFunds: 'liability.userFunds',
  revenueFees: 'revenue.fees',
  equityInsuranceFund: 'equity.insuranceFund',
} as const;

const MARGIN_PREFIX = 'margin.';

export function marginAccount(symbol: string): string {
  return `${MARGIN_PREFIX}${symbol}`;
}

/** The symbol of a `margin.{symbol}` account, else undefined. */
export function marginSymbol(account: string): string | undefined {
  return account.startsWith(MARGIN_PREFIX) && account.length > MARGIN_PREFIX.length ? account.slice(MARGIN_PREFIX.length) : undefined;
}

const USER_CATEGORIES: Record<string, AccountCategory> = {
  [USER.walletAvailable]: 'ASSET',
  [USER.walletFrozen]: 'ASSET',
  [USER.expenseFees]: 'EXPENSE',
  [USER.expenseRealizedLoss]: 'EXPENSE',
  [USER.revenueRealizedProfit]: 'REVENUE',
  [USER.equityCapital]: 'EQUITY',
};

const PLATFORM_CATEGORIES: Record<string, AccountCategory> = {
  [PLATFORM.custodyWallet]: 'ASSET',
  [PLATFORM.clearingPnl]: 'ASSET',
  [PLATFORM.liabilityUserFunds]: 'LIABILITY',
  [PLATFORM.revenueFees]: 'REVENUE',
  [PLATFORM.equityInsuranceFund]: 'EQUITY',
};

/** Category of an account in a book; undefined for an account outside the chart. */
export function categoryOf(book: Book, account: string): AccountCategory | undefined {
  if (book === 'USER') return USER_CATEGORIES[account] ?? (marginSymbol(account) !== undefined ? 'ASSET' : undefined);
  return PLATFORM_CATEGORIES[account];
}

/** Assets and expenses grow with debits; liabilities, equity and revenue with credits. */
export function isDebitNormal(category: AccountCategory): boolean {
  return category === 'ASSET' || category === 'EXPENSE';
}

/** The user's funds held by the platform: wallet (available + frozen) and every margin account. */
export function isUserFundsAccount(account: string): boolean {
  return account === USER.walletAvailable || account === USER.walletFrozen || marginSymbol(account) !== undefined;
}
