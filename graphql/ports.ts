/**
 * What the API needs from the rest of the system, given by the composition root (DESIGN §2:
 * graphql gets its ports, it never builds them). The runtime's Exchange satisfies `commands`
 * structurally; `reads` is the read-model adapter; `progress` tells how far the consumers got.
 */
import type { InstrumentInput } from '../domain/instrument/types.js';
import type { PlaceOrderInput } from '../domain/order/types.js';
import type { Position } from '../eventstore/port.js';
import type {
  BalanceSheetView,
  BalanceView,
  FillView,
  InstrumentView,
  JournalEntryView,
  OrderBookView,
  OrderStatus,
  OrderView,
  PositionView,
  ReserveAuditView,
  ReserveProofView,
  SystemStatusView,
  TradeView,
} from './views.js';

export interface Appended {
  /** log position of what the command appended; null when it appended nothing (a repeat) */
  position: Position | null;
}

/** The command API (runtime/exchange.ts). Errors are DomainErrors; graphql/errors.ts maps them. */
export interface ExchangeCommands {
  createUser(input: { name: string; apiKeyHash: string }): Promise<Appended & { userId: string }>;
  userExists(userId: string): Promise<boolean>;
  createInstrument(input: InstrumentInput): Promise<Appended & { instrument: { symbol: string } }>;
  setMarkPrice(symbol: string, price: string): Promise<Appended>;
  deposit(userId: string, asset: string, amount: string, txId: string): Promise<Appended>;
  withdraw(userId: string, asset: string, amount: string, requestId: string): Promise<Appended>;
  fundInsurance(asset: string, amount: string, txId: string): Promise<Appended>;
  placeOrder(userId: string, input: PlaceOrderInput & { clientOrderId?: string | null }): Promise<Appended & { orderId: string; clientOrderId: string }>;
  placeInsuranceOrder(input: Omit<PlaceOrderInput, 'reduceOnly'> & { clientOrderId?: string | null }): Promise<Appended & { orderId: string; clientOrderId: string }>;
  cancelOrder(userId: string, orderId: string): Promise<Appended & { orderId: string }>;
  setLeverage(userId: string, symbol: string, leverage: number): Promise<Appended>;
  liquidate(userId: string, symbol: string, price: string): Promise<Appended>;
}

export interface OrderFilter {
  status?: readonly OrderStatus[];
  symbol?: string;
  first: number;
}

/** Reads of the read models (projections/queries.ts, adapted to the contract's shapes). */
export interface ReadModels {
  instruments(): Promise<InstrumentView[]>;
  instrument(symbol: string): Promise<InstrumentView | null>;
  /** the user whose API-key hash this is (auth) */
  userByApiKeyHash(apiKeyHash: string): Promise<{ userId: string; apiKeyHash: string } | null>;
  userExists(userId: string): Promise<boolean>;
  balances(userId: string): Promise<BalanceView[]>;
  positions(userId: string): Promise<PositionView[]>;
  /** FLAT (with the user's leverage) when the user never traded the symbol; null for an unknown symbol */
  position(userId: string, symbol: string): Promise<PositionView | null>;
  insurancePositions(): Promise<PositionView[]>;
  orders(userId: string, filter: OrderFilter): Promise<OrderView[]>;
  order(orderId: string): Promise<OrderView | null>;
  fills(userId: string, filter: { symbol?: string; first: number }): Promise<FillView[]>;
  journal(userId: string, first: number): Promise<JournalEntryView[]>;
  balanceSheet(userId: string): Promise<BalanceSheetView>;
  deficit(userId: string): Promise<string>;
  platformJournal(first: number): Promise<JournalEntryView[]>;
  platformBalanceSheet(): Promise<BalanceSheetView>;
  orderBook(symbol: string, depth: number): Promise<OrderBookView>;
  trades(symbol: string, first: number): Promise<TradeView[]>;
}

/** How far the consumers of the log are. */
export interface Progress {
  status(): Promise<SystemStatusView>;
  /** resolves when every read model has applied `position`; false after `timeoutMs` */
  readModelsReach(position: Position, timeoutMs: number): Promise<boolean>;
  /** resolves when the workflows have handled `position` with their appends durable; false after `timeoutMs` */
  workflowsReach(position: Position, timeoutMs: number): Promise<boolean>;
  headPosition(): Promise<Position>;
}

/**
 * Where the matching engine answered an order (rested, traded, expired or cancelled in the
 * book): the log position of that market event, or null when the wait ran out.
 */
export interface OrderAcknowledgements {
  /** the first answer for the order after `after` (null: any answer) */
  acknowledged(orderId: string, after: Position | null, timeoutMs: number): Promise<Position | null>;
  /** whether answers to an order placed at `position` are seen (it was placed after watching began) */
  watches(position: Position): boolean;
}

/** Proof of reserves (the next issue); absent until then. */
export interface Reserves {
  latestProof(userId: string): Promise<ReserveProofView | null>;
  runAudit(): Promise<ReserveAuditView>;
}
