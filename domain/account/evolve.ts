import { USER, marginSymbol } from '../ledger/accounts.js';
import { increasesBalance } from '../ledger/balances.js';
import { dec } from '../money/decimal.js';
import { minusCanonical, parseMinor, plusCanonical } from '../money/exactSum.js';
import { fingerprint, rememberKey } from '../shared/bounded.js';
import { withEntry, withoutEntry } from '../shared/records.js';
import type { EventLike, JournalLine } from '../shared/events.js';
import type { AccountEvent, AccountState, AssetBalance, SettledTrades } from './types.js';

export function initialState(): AccountState {
  return { userId: undefined, balances: {}, openOrders: {}, endedOrders: [], recentTxIds: [], recentRequestIds: [], settled: {} };
}

/** Fingerprints: what a repeat of the same command must match (canonical values only). */
export const fingerprints = {
  deposit: (asset: string, amount: string) => fingerprint(asset, amount),
  withdraw: (asset: string, amount: string) => fingerprint('withdraw', asset, amount),
  liquidation: (symbol: string, asset: string, marginReleased: string, realizedPnl: string) => fingerprint('liquidation', symbol, asset, marginReleased, realizedPnl),
  freeze: (symbol: string, asset: string, openQty: string, margin: string, fee: string) => fingerprint(symbol, asset, openQty, margin, fee),
  unfreeze: (asset: string, margin: string, fee: string) => fingerprint(asset, margin, fee),
};

export const endKey = (orderId: string) => `${orderId}:END`;
export const liquidationKey = (requestId: string) => `liquidation:${requestId}`;

const EMPTY: AssetBalance = { available: '0', frozen: '0', margins: {} };

/**
 * The wallet is the fold of the account's own user-book lines, so the account's balances and
 * the ledger can never disagree.
 */
function applyLines(balances: Record<string, AssetBalance>, lines: readonly JournalLine[]): Record<string, AssetBalance> {
  const next = { ...balances };
  for (const l of lines) {
    if (l.book !== 'USER') continue;
    const increases = increasesBalance(l);
    if (increases === undefined) continue;
    // exact minor-unit arithmetic on the canonical strings (decimal.js only off the scale): the replay folds every account line
    const move = increases ? plusCanonical : minusCanonical;
    const b = next[l.asset] ?? EMPTY;
    if (l.account === USER.walletAvailable) next[l.asset] = { ...b, available: move(b.available, l.amount) };
    else if (l.account === USER.walletFrozen) next[l.asset] = { ...b, frozen: move(b.frozen, l.amount) };
    else {
      const symbol = marginSymbol(l.account);
      if (symbol === undefined) {
        // expense / revenue / equity accounts are not wallet; the Decimal fold still parsed their
        // amounts (balanceDelta), so a text decimal.js refuses still stops the fold here
        if (parseMinor(l.amount) === undefined) dec(l.amount);
        continue;
      }
      const margins = { ...b.margins };
      const value = move(margins[symbol] ?? '0', l.amount);
      if (value === '0') delete margins[symbol];
      else margins[symbol] = value;
      next[l.asset] = { ...b, margins };
    }
  }
  return next;
}

function markSettled(settled: Record<string, SettledTrades>, symbol: string, seq: number, key: string): Record<string, SettledTrades> {
  const current = settled[symbol];
  const entry = current && current.seq === seq ? { seq, keys: [...current.keys, key] } : { seq, keys: [key] };
  return { ...settled, [symbol]: entry };
}

export function evolve(state: AccountState, event: EventLike): AccountState {
  const e = event as AccountEvent;
  const userId = state.userId ?? (e.data as { userId?: string }).userId;
  switch (e.type) {
    case 'FundsDeposited':
      return {
        ...state,
        userId,
        balances: applyLines(state.balances, e.data.lines),
        recentTxIds: rememberKey(state.recentTxIds, e.data.txId, fingerprints.deposit(e.data.asset, e.data.amount)),
      };
    case 'FundsWithdrawn':
      return {
        ...state,
        userId,
        balances: applyLines(state.balances, e.data.lines),
        recentRequestIds: rememberKey(state.recentRequestIds, e.data.requestId, fingerprints.withdraw(e.data.asset, e.data.amount)),
      };
    case 'FundsFrozen': {
      const d = e.data;
      return {
        ...state,
        userId,
        balances: applyLines(state.balances, d.lines),
        openOrders: withEntry(state.openOrders, d.orderId, {
          symbol: d.symbol, asset: d.asset, margin: d.margin, fee: d.fee, freezeFingerprint: fingerprints.freeze(d.symbol, d.asset, d.openQty, d.margin, d.fee),
        }),
      };
    }
    case 'FundsFreezeFailed': {
      const d = e.data;
      return { ...state, userId, endedOrders: rememberKey(state.endedOrders, d.orderId, fingerprints.freeze(d.symbol, d.asset, d.openQty, d.margin, d.fee)) };
    }
    case 'TradeMarginSettled': {
      const d = e.data;
      const order = state.openOrders[d.orderId];
      const openOrders = order
        ? withEntry(state.openOrders, d.orderId, { ...order, margin: minusCanonical(order.margin, d.frozenMarginUsed), fee: minusCanonical(order.fee, d.frozenFeeUsed) })
        : state.openOrders;
      return { ...state, userId, balances: applyLines(state.balances, d.lines), openOrders, settled: markSettled(state.settled, d.symbol, d.seq, e.key) };
    }
    case 'ReleasedMarginCredited':
    case 'CloseToOpenCompensated':
      return { ...state, userId, balances: applyLines(state.balances, e.data.lines), settled: markSettled(state.settled, e.data.symbol, e.data.seq, e.key) };
    case 'FundsUnfrozen': {
      const d = e.data;
      const order = state.openOrders[d.orderId];
      const openOrders = withoutEntry(state.openOrders, d.orderId);
      let endedOrders = state.endedOrders;
      if (order) endedOrders = rememberKey(endedOrders, d.orderId, order.freezeFingerprint);
      endedOrders = rememberKey(endedOrders, endKey(d.orderId), fingerprints.unfreeze(d.asset, d.margin, d.fee));
      return { ...state, userId, balances: applyLines(state.balances, d.lines), openOrders, endedOrders };
    }
    case 'LiquidationSettled': {
      const d = e.data;
      return {
        ...state,
        userId,
        balances: applyLines(state.balances, d.lines),
        recentRequestIds: rememberKey(state.recentRequestIds, liquidationKey(d.requestId), fingerprints.liquidation(d.symbol, d.asset, d.marginReleased, d.realizedPnl)),
      };
    }
    default:
      // events of other aggregates never reach here; unknown types are a schema error upstream
      return state;
  }
}
