import type { RecentKeys } from '../shared/bounded.js';
import type { DomainEvent, JournalLine } from '../shared/events.js';

/**
 * The Account aggregate (stream account-{userId}): a user's wallet per asset, the funds frozen
 * per open order, and the postings that answer the position's settlement decisions.
 */

// ---------------------------------------------------------------------------------------------
// State (plain JSON so it can be snapshotted; bounded per DESIGN §8)
// ---------------------------------------------------------------------------------------------

export interface AssetBalance {
  /** may be negative: a deficit (DESIGN §5 settlement detail 5) */
  available: string;
  frozen: string;
  /** margin.{symbol}; symbols at zero are dropped */
  margins: Record<string, string>;
}

/** What the account holds frozen for one open order (removed at FundsUnfrozen). */
export interface FrozenOrder {
  symbol: string;
  asset: string;
  margin: string;
  fee: string;
  /** fingerprint of the freeze command, to tell a repeat from a reused key */
  freezeFingerprint: string;
}

/** Per symbol: the highest settled trade seq and the leg keys already posted for it. */
export interface SettledTrades {
  seq: number;
  keys: string[];
}

export interface AccountState {
  userId: string | undefined;
  balances: Record<string, AssetBalance>;
  openOrders: Record<string, FrozenOrder>;
  /** orderId → freeze fingerprint and `{orderId}:END` → unfreeze fingerprint of recently ended orders */
  endedOrders: RecentKeys;
  /** recent deposit txIds (the platform-wide guard is the transfer-{txId} stream) */
  recentTxIds: RecentKeys;
  /** recent withdraw / liquidation request ids */
  recentRequestIds: RecentKeys;
  settled: Record<string, SettledTrades>;
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

export interface Deposit {
  type: 'Deposit';
  userId: string;
  asset: string;
  amount: string;
  txId: string;
}

export interface Withdraw {
  type: 'Withdraw';
  userId: string;
  asset: string;
  amount: string;
  requestId: string;
}

/**
 * Freeze the open part of an order: margin and taker fee for openQty at the limit (or
 * protected) price, computed by the caller with money/rules (initialMargin, fee).
 */
export interface FreezeFunds {
  type: 'FreezeFunds';
  userId: string;
  orderId: string;
  symbol: string;
  asset: string;
  openQty: string;
  margin: string;
  fee: string;
}

/** A money effect of the position's leg append: its type, key and data as the position wrote them. */
export interface LegEffect {
  type: string;
  key: string;
  data: Record<string, unknown>;
}

/**
 * Post what the position decided for one fill leg: the events of its one append
 * (PositionMarginReleased / PositionIncreased / PositionCloseToOpenCompensation; other types
 * such as PositionReservationsCut carry no money and are ignored).
 */
export interface SettleTradeLeg {
  type: 'SettleTradeLeg';
  userId: string;
  asset: string;
  effects: LegEffect[];
}

/** Answer to the position's OrderLocksReleased: unfreeze what no fill used. */
export interface UnfreezeFunds {
  type: 'UnfreezeFunds';
  userId: string;
  orderId: string;
  asset: string;
  margin: string;
  fee: string;
}

/** Answer to PositionLiquidated: release the margin and realise the PnL, no fee. */
export interface SettleLiquidation {
  type: 'SettleLiquidation';
  userId: string;
  symbol: string;
  asset: string;
  requestId: string;
  marginReleased: string;
  realizedPnl: string;
}

export type AccountCommand = Deposit | Withdraw | FreezeFunds | SettleTradeLeg | UnfreezeFunds | SettleLiquidation;

// ---------------------------------------------------------------------------------------------
// Events ($ = carries journal lines for both books)
// ---------------------------------------------------------------------------------------------

interface Money {
  userId: string;
  asset: string;
  lines: JournalLine[];
}

export interface FundsDepositedData extends Money { amount: string; txId: string }
export interface FundsWithdrawnData extends Money { amount: string; requestId: string }
export interface FundsFrozenData extends Money { orderId: string; symbol: string; openQty: string; margin: string; fee: string }
export type FreezeFailureReason = 'ACCOUNT_IN_DEFICIT' | 'INSUFFICIENT_MARGIN';
export interface FundsFreezeFailedData {
  userId: string;
  orderId: string;
  symbol: string;
  asset: string;
  openQty: string;
  margin: string;
  fee: string;
  reason: FreezeFailureReason;
}

interface LegRef extends Money {
  symbol: string;
  orderId: string;
  tradeId: string;
  seq: number;
  qty: string;
  price: string;
}

export interface ReleasedMarginCreditedData extends LegRef { marginReleased: string; realizedPnl: string; fee: string }
export interface TradeMarginSettledData extends LegRef {
  margin: string;
  frozenMarginUsed: string;
  frozenFeeUsed: string;
  fee: string;
  refund: string;
  feeShortfall: string;
}
export interface CloseToOpenCompensatedData extends LegRef { margin: string; fee: string }
export interface FundsUnfrozenData extends Money { orderId: string; margin: string; fee: string }
export interface LiquidationSettledData extends Money { symbol: string; requestId: string; marginReleased: string; realizedPnl: string }

export type AccountEvent =
  | DomainEvent<'FundsDeposited', FundsDepositedData>
  | DomainEvent<'FundsWithdrawn', FundsWithdrawnData>
  | DomainEvent<'FundsFrozen', FundsFrozenData>
  | DomainEvent<'FundsFreezeFailed', FundsFreezeFailedData>
  | DomainEvent<'ReleasedMarginCredited', ReleasedMarginCreditedData>
  | DomainEvent<'TradeMarginSettled', TradeMarginSettledData>
  | DomainEvent<'CloseToOpenCompensated', CloseToOpenCompensatedData>
  | DomainEvent<'FundsUnfrozen', FundsUnfrozenData>
  | DomainEvent<'LiquidationSettled', LiquidationSettledData>;

export type AccountEventType = AccountEvent['type'];
