import { canonical, dec, max, ZERO, type Decimal } from '../money/decimal.js';
import { nonNegativeAmount, positiveInput, signedAmount } from '../money/amounts.js';
import { marginAccount } from '../ledger/accounts.js';
import { closeSettlementLines, compensationLines, depositLines, freezeLines, liquidationLines, openSettlementLines, unfreezeLines, withdrawLines } from '../ledger/postings.js';
import { recalledFingerprint } from '../shared/bounded.js';
import { DomainError, DomainInvariantError, badInput, failedPrecondition, idempotencyKeyReused } from '../shared/errors.js';
import { assertNever } from '../shared/events.js';
import { endKey, fingerprints, liquidationKey } from './evolve.js';
import type {
  AccountCommand, AccountEvent, AccountState, Deposit, FreezeFunds, LegEffect, SettleLiquidation, SettleTradeLeg, UnfreezeFunds, Withdraw,
} from './types.js';

/**
 * Rejections, in precedence order (tests follow the same tables):
 * * Deposit: INVALID_AMOUNT (BAD_USER_INPUT) → repeated txId ([] or IDEMPOTENCY_KEY_REUSED).
 * * Withdraw: INVALID_AMOUNT → repeated requestId → in deficit (FAILED_PRECONDITION,
 *   reason ACCOUNT_IN_DEFICIT) → amount > available (INSUFFICIENT_FUNDS).
 * * FreezeFunds: INVALID_AMOUNT / INVALID_QUANTITY → repeated orderId → FundsFreezeFailed
 *   ACCOUNT_IN_DEFICIT (openQty > 0 while the quote asset is in deficit) → FundsFreezeFailed
 *   INSUFFICIENT_MARGIN (available < margin + fee). Of the order's stateful rejections
 *   (DESIGN §5) REDUCE_ONLY_WOULD_OPEN is decided by the position before the freeze and
 *   NO_MARK_PRICE by the placement workflow when it needs a protected price; both come first.
 * * Settlement commands answer the position: a disagreement with what the account holds is a
 *   DomainInvariantError (a bug; the runner stops), never a user error.
 */
export function decide(command: AccountCommand, state: AccountState): AccountEvent[] {
  if (state.userId !== undefined && command.userId !== state.userId) {
    throw new DomainInvariantError(`command for user ${command.userId} sent to the account of ${state.userId}`);
  }
  switch (command.type) {
    case 'Deposit':
      return deposit(command, state);
    case 'Withdraw':
      return withdraw(command, state);
    case 'FreezeFunds':
      return freeze(command, state);
    case 'SettleTradeLeg':
      return settleLeg(command, state);
    case 'UnfreezeFunds':
      return unfreeze(command, state);
    case 'SettleLiquidation':
      return settleLiquidation(command, state);
    default:
      return assertNever(command, 'account command');
  }
}

// ----- queries -----------------------------------------------------------------------------

export function availableOf(state: AccountState, asset: string): Decimal {
  return dec(state.balances[asset]?.available ?? '0');
}

/** Deficit = max(0, −available) of an asset (DESIGN §5 settlement detail 5). */
export function deficitOf(state: AccountState, asset: string): Decimal {
  return max(ZERO, availableOf(state, asset).negated());
}

export function isInDeficit(state: AccountState): boolean {
  return Object.keys(state.balances).some((asset) => deficitOf(state, asset).greaterThan(0));
}

/** Answer for a remembered key: [] for the same payload, a typed error for a different one. */
function repeat(remembered: string | undefined, expected: string, key: string): [] | undefined {
  if (remembered === undefined) return undefined;
  if (remembered !== expected) throw idempotencyKeyReused(key);
  return [];
}

// ----- wallet ------------------------------------------------------------------------------

function deposit(c: Deposit, state: AccountState): AccountEvent[] {
  const amount = canonical(positiveInput(c.amount, 'INVALID_AMOUNT', 'amount'));
  const seen = repeat(recalledFingerprint(state.recentTxIds, c.txId), fingerprints.deposit(c.asset, amount), c.txId);
  if (seen) return seen;
  return [{ type: 'FundsDeposited', key: c.txId, data: { userId: c.userId, asset: c.asset, amount, txId: c.txId, lines: depositLines(c.asset, amount) } }];
}

function withdraw(c: Withdraw, state: AccountState): AccountEvent[] {
  const amount = positiveInput(c.amount, 'INVALID_AMOUNT', 'amount');
  const text = canonical(amount);
  const seen = repeat(recalledFingerprint(state.recentRequestIds, c.requestId), fingerprints.withdraw(c.asset, text), c.requestId);
  if (seen) return seen;
  if (isInDeficit(state)) throw failedPrecondition('account is in deficit: deposits must repay it before a withdrawal', 'ACCOUNT_IN_DEFICIT');
  const available = availableOf(state, c.asset);
  if (amount.greaterThan(available)) throw new DomainError('INSUFFICIENT_FUNDS', `withdraw ${text} ${c.asset} exceeds available ${canonical(available)}`);
  return [{ type: 'FundsWithdrawn', key: c.requestId, data: { userId: c.userId, asset: c.asset, amount: text, requestId: c.requestId, lines: withdrawLines(c.asset, text) } }];
}

// ----- order locks -------------------------------------------------------------------------

function freeze(c: FreezeFunds, state: AccountState): AccountEvent[] {
  const margin = nonNegativeAmount(c.margin, 'margin');
  const fee = nonNegativeAmount(c.fee, 'fee');
  const openQty = dec(nonNegativeQty(c.openQty));
  const fp = fingerprints.freeze(c.symbol, c.asset, c.openQty, c.margin, c.fee);
  const open = state.openOrders[c.orderId];
  const seen = repeat(open?.freezeFingerprint ?? recalledFingerprint(state.endedOrders, c.orderId), fp, c.orderId);
  if (seen) return seen;
  const base = { userId: c.userId, orderId: c.orderId, symbol: c.symbol, asset: c.asset, openQty: c.openQty, margin: c.margin, fee: c.fee };
  if (openQty.greaterThan(0) && deficitOf(state, c.asset).greaterThan(0)) {
    return [{ type: 'FundsFreezeFailed', key: c.orderId, data: { ...base, reason: 'ACCOUNT_IN_DEFICIT' } }];
  }
  // a pure close order locks nothing, so a negative available (deficit) must not block it
  const total = margin.plus(fee);
  if (total.greaterThan(0) && availableOf(state, c.asset).lessThan(total)) {
    return [{ type: 'FundsFreezeFailed', key: c.orderId, data: { ...base, reason: 'INSUFFICIENT_MARGIN' } }];
  }
  return [{ type: 'FundsFrozen', key: c.orderId, data: { ...base, lines: freezeLines(c.asset, margin, fee) } }];
}

function nonNegativeQty(text: string): string {
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/.test(text)) throw badInput('INVALID_QUANTITY', `openQty must be a non-negative canonical decimal, got ${JSON.stringify(text)}`);
  return text;
}

function unfreeze(c: UnfreezeFunds, state: AccountState): AccountEvent[] {
  const margin = nonNegativeAmount(c.margin, 'margin');
  const fee = nonNegativeAmount(c.fee, 'fee');
  const key = endKey(c.orderId);
  const seen = repeat(recalledFingerprint(state.endedOrders, key), fingerprints.unfreeze(c.asset, c.margin, c.fee), key);
  if (seen) return seen;
  const order = state.openOrders[c.orderId];
  if (!order) {
    // an order the account never froze for (no open part) has nothing to release
    if (margin.isZero() && fee.isZero()) return [];
    throw new DomainInvariantError(`unfreeze ${c.margin}+${c.fee} for order ${c.orderId}, which holds no frozen funds here`);
  }
  if (order.asset !== c.asset || !dec(order.margin).equals(margin) || !dec(order.fee).equals(fee)) {
    throw new DomainInvariantError(`order ${c.orderId} ends with ${order.margin} margin + ${order.fee} fee frozen here, the position releases ${c.margin} + ${c.fee}`);
  }
  return [{ type: 'FundsUnfrozen', key, data: { userId: c.userId, asset: c.asset, orderId: c.orderId, margin: c.margin, fee: c.fee, lines: unfreezeLines(c.asset, margin, fee) } }];
}

// ----- settlement --------------------------------------------------------------------------

const MONEY_EFFECTS = new Set(['PositionMarginReleased', 'PositionIncreased', 'PositionCloseToOpenCompensation']);

function field(effect: LegEffect, name: string): string {
  const v = effect.data[name];
  if (typeof v !== 'string') throw new DomainInvariantError(`${effect.type} ${effect.key}: field ${name} missing or not a string`);
  return v;
}

/**
 * One leg → one append. Legs of a symbol arrive in trade seq order (DESIGN §3.4), so a per-symbol
 * high-water mark plus the keys posted at that seq recognise every repeat.
 */
function settleLeg(c: SettleTradeLeg, state: AccountState): AccountEvent[] {
  const effects = c.effects.filter((e) => MONEY_EFFECTS.has(e.type));
  const out: AccountEvent[] = [];
  // running copies: several effects of one leg may touch the same order and margin account
  const orderFrozen = new Map<string, { margin: Decimal; fee: Decimal }>();
  const marginHeld = new Map<string, Decimal>();
  const settled = { ...state.settled };
  for (const e of effects) {
    const symbol = field(e, 'symbol');
    const seq = e.data.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw new DomainInvariantError(`${e.type} ${e.key}: seq must be a non-negative integer`);
    const hwm = settled[symbol];
    if (hwm && (seq < hwm.seq || (seq === hwm.seq && hwm.keys.includes(e.key)))) continue;
    settled[symbol] = hwm && hwm.seq === seq ? { seq, keys: [...hwm.keys, e.key] } : { seq, keys: [e.key] };
    const ref = {
      userId: c.userId, asset: c.asset, symbol, orderId: field(e, 'orderId'), tradeId: field(e, 'tradeId'), seq, qty: field(e, 'qty'), price: field(e, 'price'),
    };
    const heldMargin = marginHeld.get(symbol) ?? dec(state.balances[c.asset]?.margins[symbol] ?? '0');
    if (e.type === 'PositionMarginReleased') {
      const marginReleased = amount(e, 'marginReleased');
      const realizedPnl = signed(e, 'realizedPnl');
      const fee = amount(e, 'fee');
      if (marginReleased.greaterThan(heldMargin)) throw new DomainInvariantError(`${e.key}: releases ${canonical(marginReleased)} of ${marginAccount(symbol)} holding ${canonical(heldMargin)}`);
      marginHeld.set(symbol, heldMargin.minus(marginReleased));
      out.push({
        type: 'ReleasedMarginCredited', key: e.key,
        data: { ...ref, marginReleased: canonical(marginReleased), realizedPnl: canonical(realizedPnl), fee: canonical(fee), lines: closeSettlementLines({ asset: c.asset, symbol, marginReleased, realizedPnl, fee }) },
      });
    } else if (e.type === 'PositionIncreased') {
      const margin = amount(e, 'margin');
      const frozenMarginUsed = amount(e, 'frozenMarginUsed');
      const frozenFeeUsed = amount(e, 'frozenFeeUsed');
      const fee = amount(e, 'fee');
      const refund = amount(e, 'refund');
      const feeShortfall = amount(e, 'feeShortfall');
      if (margin.greaterThan(frozenMarginUsed)) throw new DomainInvariantError(`${e.key}: margin ${canonical(margin)} above the frozen margin used ${canonical(frozenMarginUsed)}`);
      const expectedRefund = frozenMarginUsed.minus(margin).plus(max(ZERO, frozenFeeUsed.minus(fee)));
      const expectedShortfall = max(ZERO, fee.minus(frozenFeeUsed));
      if (!refund.equals(expectedRefund) || !feeShortfall.equals(expectedShortfall)) {
        throw new DomainInvariantError(`${e.key}: refund ${canonical(refund)} / shortfall ${canonical(feeShortfall)} disagree with ${canonical(expectedRefund)} / ${canonical(expectedShortfall)}`);
      }
      if (frozenMarginUsed.greaterThan(0) || frozenFeeUsed.greaterThan(0)) {
        const order = state.openOrders[ref.orderId];
        const held = orderFrozen.get(ref.orderId) ?? (order ? { margin: dec(order.margin), fee: dec(order.fee) } : undefined);
        if (!held || order!.asset !== c.asset || frozenMarginUsed.greaterThan(held.margin) || frozenFeeUsed.greaterThan(held.fee)) {
          throw new DomainInvariantError(
            `${e.key}: uses ${canonical(frozenMarginUsed)} margin + ${canonical(frozenFeeUsed)} fee frozen for order ${ref.orderId}, which holds ${held ? `${canonical(held.margin)} + ${canonical(held.fee)}` : 'nothing'} here`,
          );
        }
        orderFrozen.set(ref.orderId, { margin: held.margin.minus(frozenMarginUsed), fee: held.fee.minus(frozenFeeUsed) });
      }
      marginHeld.set(symbol, heldMargin.plus(margin));
      out.push({
        type: 'TradeMarginSettled', key: e.key,
        data: {
          ...ref, margin: canonical(margin), frozenMarginUsed: canonical(frozenMarginUsed), frozenFeeUsed: canonical(frozenFeeUsed), fee: canonical(fee),
          refund: canonical(refund), feeShortfall: canonical(feeShortfall),
          lines: openSettlementLines({ asset: c.asset, symbol, margin, fee, feeShortfall, refund }),
        },
      });
    } else {
      const margin = amount(e, 'margin');
      const fee = amount(e, 'fee');
      marginHeld.set(symbol, heldMargin.plus(margin));
      out.push({ type: 'CloseToOpenCompensated', key: e.key, data: { ...ref, margin: canonical(margin), fee: canonical(fee), lines: compensationLines(c.asset, symbol, margin, fee) } });
    }
  }
  return out;
}

function amount(e: LegEffect, name: string): Decimal {
  try {
    return nonNegativeAmount(field(e, name), name);
  } catch (error) {
    if (error instanceof DomainError) throw new DomainInvariantError(`${e.type} ${e.key}: ${error.message}`);
    throw error;
  }
}

function signed(e: LegEffect, name: string): Decimal {
  try {
    return signedAmount(field(e, name), name);
  } catch (error) {
    if (error instanceof DomainError) throw new DomainInvariantError(`${e.type} ${e.key}: ${error.message}`);
    throw error;
  }
}

function settleLiquidation(c: SettleLiquidation, state: AccountState): AccountEvent[] {
  const marginReleased = nonNegativeAmount(c.marginReleased, 'marginReleased');
  const realizedPnl = signedAmount(c.realizedPnl, 'realizedPnl');
  const key = liquidationKey(c.requestId);
  const seen = repeat(recalledFingerprint(state.recentRequestIds, key), fingerprints.liquidation(c.symbol, c.asset, c.marginReleased, c.realizedPnl), c.requestId);
  if (seen) return seen;
  const held = dec(state.balances[c.asset]?.margins[c.symbol] ?? '0');
  if (marginReleased.greaterThan(held)) throw new DomainInvariantError(`liquidation ${c.requestId} releases ${c.marginReleased} of ${marginAccount(c.symbol)} holding ${canonical(held)}`);
  return [{
    type: 'LiquidationSettled', key: c.requestId,
    data: { userId: c.userId, asset: c.asset, symbol: c.symbol, requestId: c.requestId, marginReleased: c.marginReleased, realizedPnl: c.realizedPnl, lines: liquidationLines({ asset: c.asset, symbol: c.symbol, marginReleased, realizedPnl }) },
  }];
}
