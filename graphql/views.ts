import type { Instrument } from '../domain/instrument/types.js';
/**
 * What the API serves, in the contract's shapes (graphql/contract.graphql). Money is a canonical
 * decimal string, times are ISO strings. The read-model adapter produces these; resolvers pass
 * them through unchanged.
 */
export type Side = 'BUY' | 'SELL';
export type OrderStatus = 'PENDING' | 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'EXPIRED' | 'REJECTED';

export interface InstrumentView extends Instrument {
  markPrice: string | null;
}

export interface BalanceView {
  asset: string;
  available: string;
  frozen: string;
  total: string;
}

export interface PositionView {
  symbol: string;
  side: 'LONG' | 'SHORT' | 'FLAT';
  quantity: string;
  entryPrice: string | null;
  margin: string;
  leverage: number;
  reservedToClose: string;
  realizedPnl: string;
  unrealizedPnl: string;
  markPrice: string | null;
  liquidationPrice: string | null;
}

export interface OrderView {
  id: string;
  /** the owner; never served (Order has no userId field), used for access checks and routing */
  userId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: 'LIMIT' | 'MARKET';
  timeInForce: 'GTC' | 'IOC' | 'FOK' | 'POST_ONLY';
  price: string | null;
  quantity: string;
  filledQuantity: string;
  averageFillPrice: string | null;
  status: OrderStatus;
  intent: 'INCREASE' | 'REDUCE' | 'CLOSE' | 'FLIP' | null;
  reduceOnly: boolean;
  fee: string;
  rejectReason: string | null;
  /** why an EXPIRED order ended; served as `rejectReason` (the contract's one reason field) */
  expireReason?: string | null;
  createdAt: string;
}

export interface TradeView {
  id: string;
  symbol: string;
  price: string;
  quantity: string;
  takerSide: Side;
  executedAt: string;
}

export interface FillView {
  tradeId: string;
  orderId: string;
  symbol: string;
  side: Side;
  price: string;
  quantity: string;
  fee: string;
  liquidity: 'MAKER' | 'TAKER';
  executedAt: string;
}

export interface JournalLineView {
  book: 'USER' | 'PLATFORM';
  account: string;
  asset: string;
  direction: 'DEBIT' | 'CREDIT';
  amount: string;
}

export interface JournalEntryView {
  id: string;
  eventId: string;
  eventType: string;
  referenceId: string;
  occurredAt: string;
  lines: JournalLineView[];
}

export interface LedgerAccountBalanceView {
  account: string;
  asset: string;
  category: string;
  balance: string;
}

export interface BalanceSheetView {
  accounts: LedgerAccountBalanceView[];
  balanced: boolean;
}

export interface OrderBookLevelView {
  price: string;
  quantity: string;
}

export interface OrderBookView {
  symbol: string;
  bids: OrderBookLevelView[];
  asks: OrderBookLevelView[];
}

export interface ConsumerStatusView {
  name: string;
  processedPosition: string;
  busy: boolean;
  error?: string;
}

export interface SystemStatusView {
  headPosition: string;
  processedPosition: string;
  idle: boolean;
  consumers: ConsumerStatusView[];
}

export interface AssetAmountView {
  asset: string;
  amount: string;
}

export interface ReserveProofView {
  auditId: string;
  logPosition: string;
  rootHash: string;
  userHash: string;
  leafHash: string;
  balances: AssetAmountView[];
  path: Array<{ siblingHash: string; siblingSums: AssetAmountView[]; siblingOnLeft: boolean }>;
}

export interface ReserveAuditView {
  auditId: string;
  logPosition: string;
  rootHash: string;
  totals: AssetAmountView[];
  userCount: number;
  excludedNegative: AssetAmountView[];
  reconciled: boolean;
}
