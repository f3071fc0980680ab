import { canonical, dec, type DecimalValue } from '../money/decimal.js';
import type { Book, JournalLine } from '../shared/events.js';
import { PLATFORM, USER, marginAccount } from './accounts.js';

/**
 * Posting rules of DESIGN §6: one function per money movement, returning the journal lines of
 * both books. Amounts are positive canonical strings; zero lines are omitted; a signed PnL picks
 * the direction. Inputs are trusted amounts (validated by the deciders): a negative amount where
 * only a positive one makes sense is a bug and throws.
 */

function nonNegative(value: DecimalValue, what: string): ReturnType<typeof dec> {
  const d = dec(value);
  if (d.isNegative() && !d.isZero()) throw new RangeError(`${what} must not be negative: ${d.toFixed()}`);
  return d;
}

/** A balanced pair Dr debit / Cr credit for a non-negative amount; [] for zero. */
function pair(book: Book, asset: string, debit: string, credit: string, amount: DecimalValue): JournalLine[] {
  const d = dec(amount);
  if (d.isZero()) return [];
  const a = canonical(d);
  return [
    { book, account: debit, asset, direction: 'DEBIT', amount: a },
    { book, account: credit, asset, direction: 'CREDIT', amount: a },
  ];
}

function line(book: Book, account: string, asset: string, direction: 'DEBIT' | 'CREDIT', amount: DecimalValue): JournalLine[] {
  const d = dec(amount);
  return d.isZero() ? [] : [{ book, account, asset, direction, amount: canonical(d) }];
}

/** Platform side of a user's fee: the user funds it owes shrink, fee revenue grows. */
function platformFee(asset: string, fee: DecimalValue): JournalLine[] {
  return pair('PLATFORM', asset, PLATFORM.liabilityUserFunds, PLATFORM.revenueFees, fee);
}

/** User gains move from clearing into user funds; losses the other way. */
function platformPnl(asset: string, pnl: DecimalValue): JournalLine[] {
  const p = dec(pnl);
  return p.isNegative()
    ? pair('PLATFORM', asset, PLATFORM.liabilityUserFunds, PLATFORM.clearingPnl, p.negated())
    : pair('PLATFORM', asset, PLATFORM.clearingPnl, PLATFORM.liabilityUserFunds, p);
}

export function depositLines(asset: string, amount: DecimalValue): JournalLine[] {
  const x = nonNegative(amount, 'deposit');
  return [...pair('USER', asset, USER.walletAvailable, USER.equityCapital, x), ...pair('PLATFORM', asset, PLATFORM.custodyWallet, PLATFORM.liabilityUserFunds, x)];
}

export function withdrawLines(asset: string, amount: DecimalValue): JournalLine[] {
  const x = nonNegative(amount, 'withdrawal');
  return [...pair('USER', asset, USER.equityCapital, USER.walletAvailable, x), ...pair('PLATFORM', asset, PLATFORM.liabilityUserFunds, PLATFORM.custodyWallet, x)];
}

/** Freeze margin + fee of an order: one pair for the sum (both stay in wallet.frozen). */
export function freezeLines(asset: string, margin: DecimalValue, fee: DecimalValue): JournalLine[] {
  const total = nonNegative(margin, 'margin').plus(nonNegative(fee, 'fee'));
  return pair('USER', asset, USER.walletFrozen, USER.walletAvailable, total);
}

export function unfreezeLines(asset: string, margin: DecimalValue, fee: DecimalValue): JournalLine[] {
  const total = nonNegative(margin, 'margin').plus(nonNegative(fee, 'fee'));
  return pair('USER', asset, USER.walletAvailable, USER.walletFrozen, total);
}

export interface OpenSettlement {
  asset: string;
  symbol: string;
  /** position margin, taken from the order's frozen margin share */
  margin: DecimalValue;
  /** the actual fee of the open part */
  fee: DecimalValue;
  /** part of the fee not covered by the frozen fee share; paid from wallet.available */
  feeShortfall: DecimalValue;
  /** unused frozen margin and fee shares, back to wallet.available */
  refund: DecimalValue;
}

/**
 * Open settlement: Dr margin.S m / Cr wallet.frozen m; Dr expense.fees f / Cr wallet.frozen
 * (f − shortfall) / Cr wallet.available shortfall; Dr wallet.available r / Cr wallet.frozen r.
 * wallet.frozen therefore drops by exactly frozenMarginUsed + frozenFeeUsed.
 */
export function openSettlementLines(s: OpenSettlement): JournalLine[] {
  const m = nonNegative(s.margin, 'margin');
  const f = nonNegative(s.fee, 'fee');
  const shortfall = nonNegative(s.feeShortfall, 'feeShortfall');
  const r = nonNegative(s.refund, 'refund');
  if (shortfall.greaterThan(f)) throw new RangeError(`fee shortfall ${shortfall.toFixed()} exceeds fee ${f.toFixed()}`);
  return [
    ...pair('USER', s.asset, marginAccount(s.symbol), USER.walletFrozen, m),
    ...line('USER', USER.expenseFees, s.asset, 'DEBIT', f),
    ...line('USER', USER.walletFrozen, s.asset, 'CREDIT', f.minus(shortfall)),
    ...line('USER', USER.walletAvailable, s.asset, 'CREDIT', shortfall),
    ...pair('USER', s.asset, USER.walletAvailable, USER.walletFrozen, r),
    ...platformFee(s.asset, f),
  ];
}

export interface CloseSettlement {
  asset: string;
  symbol: string;
  marginReleased: DecimalValue;
  /** signed: > 0 profit, < 0 loss */
  realizedPnl: DecimalValue;
  fee: DecimalValue;
}

/** Close: release margin to available, realise PnL, charge the fee from the released funds. */
export function closeSettlementLines(s: CloseSettlement): JournalLine[] {
  const released = nonNegative(s.marginReleased, 'marginReleased');
  const f = nonNegative(s.fee, 'fee');
  const p = dec(s.realizedPnl);
  return [
    ...pair('USER', s.asset, USER.walletAvailable, marginAccount(s.symbol), released),
    ...(p.isNegative()
      ? pair('USER', s.asset, USER.expenseRealizedLoss, USER.walletAvailable, p.negated())
      : pair('USER', s.asset, USER.walletAvailable, USER.revenueRealizedProfit, p)),
    ...pair('USER', s.asset, USER.expenseFees, USER.walletAvailable, f),
    ...platformPnl(s.asset, p),
    ...platformFee(s.asset, f),
  ];
}

/** Liquidation: a close at the liquidation price without a fee. */
export function liquidationLines(s: Omit<CloseSettlement, 'fee'>): JournalLine[] {
  return closeSettlementLines({ ...s, fee: 0 });
}

/** Close→open compensation: margin and fee straight from wallet.available (may go negative). */
export function compensationLines(asset: string, symbol: string, margin: DecimalValue, fee: DecimalValue): JournalLine[] {
  const m = nonNegative(margin, 'margin');
  const f = nonNegative(fee, 'fee');
  return [
    ...pair('USER', asset, marginAccount(symbol), USER.walletAvailable, m),
    ...pair('USER', asset, USER.expenseFees, USER.walletAvailable, f),
    ...platformFee(asset, f),
  ];
}

export function insuranceFundedLines(asset: string, amount: DecimalValue): JournalLine[] {
  return pair('PLATFORM', asset, PLATFORM.custodyWallet, PLATFORM.equityInsuranceFund, nonNegative(amount, 'amount'));
}

/** The insurance account's realised PnL lands in its fund: gains from clearing, losses to it. */
export function insurancePnlLines(asset: string, pnl: DecimalValue): JournalLine[] {
  const p = dec(pnl);
  return p.isNegative()
    ? pair('PLATFORM', asset, PLATFORM.equityInsuranceFund, PLATFORM.clearingPnl, p.negated())
    : pair('PLATFORM', asset, PLATFORM.clearingPnl, PLATFORM.equityInsuranceFund, p);
}

export function insuranceFeeLines(asset: string, fee: DecimalValue): JournalLine[] {
  return pair('PLATFORM', asset, PLATFORM.equityInsuranceFund, PLATFORM.revenueFees, nonNegative(fee, 'fee'));
}
