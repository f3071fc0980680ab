/**
 * Realistic event logs for projection and replay tests, produced by the domain deciders: the
 * scenario harness (test/domain/support/harness.ts) plays the position / account / insurance
 * reactions, and this builder adds what the harness leaves out — users, transfers, the
 * instrument and its marks, the order aggregate (placed, accepted | rejected, fills, ends) and
 * the market stream as the matching engine publishes it (one append per WAL entry). Events are
 * recorded in the order the runtime's workflows would write them, then appended to an
 * EventStore stream by stream with exact expected revisions and deterministic ids.
 */
import { createHash } from 'node:crypto';
import { mulberry32 as prng } from '../../matching/workload/prng.js';
import { toEventData } from '../../eventstore/envelope.js';
import { orderIdFor } from '../../eventstore/ids.js';
import { NO_STREAM, type EventStore, type Position } from '../../eventstore/port.js';
import { streams } from '../../eventstore/streams.js';
import { canonical, dec } from '../../domain/money/decimal.js';
import type { Instrument } from '../../domain/instrument/types.js';
import { decide as orderDecide, evolve as orderEvolve, initialState as orderInitial, type OrderCommand, type OrderState } from '../../domain/order/index.js';
import { INSURANCE_USER_ID, type OrderSide } from '../../domain/position/index.js';
import { legEventsOf, legFee } from '../../domain/workflows/settlement.js';
import { ScenarioExchange } from '../domain/support/harness.js';
import { BTC_PERP } from '../domain/support/instrument.js';

export const INSTRUMENT: Instrument = { ...BTC_PERP, quoteAsset: 'USDT', marketProtection: '0.05' };

export interface LogEvent {
  stream: string;
  type: string;
  key: string;
  data: Record<string, unknown>;
  occurredAt: string;
}

export interface PlaceSpec {
  userId: string;
  side: OrderSide;
  qty: string;
  price: string;
  reduceOnly?: boolean;
  clientOrderId?: string;
}

const START_MS = Date.parse('2024-01-01T00:00:00.000Z');

export class LogBuilder {
  readonly events: LogEvent[] = [];
  readonly exchange: ScenarioExchange;
  /** resting orders of the book: orderId → remaining */
  readonly resting = new Map<string, { userId: string; side: OrderSide; price: string; remaining: string }>();
  private readonly orders = new Map<string, OrderState>();
  private harnessSeen = 0;
  private clockMs = START_MS;
  private nextSeq = 1;
  private nextWal = 1;
  private nextClient = 1;
  private nextRequest = 1;
  mark: string | undefined;

  constructor(readonly instrument: Instrument = INSTRUMENT) {
    this.exchange = new ScenarioExchange(instrument, instrument.quoteAsset);
  }

  get symbol(): string {
    return this.instrument.symbol;
  }

  private now(): string {
    return new Date(this.clockMs).toISOString();
  }

  /** every command happens 1 ms after the previous one */
  private tick(): void {
    this.clockMs += 1;
  }

  private push(stream: string, type: string, key: string, data: Record<string, unknown>): void {
    this.events.push({ stream, type, key, data, occurredAt: this.now() });
  }

  /** copies what the harness recorded since the last call */
  private sync(): LogEvent[] {
    const fresh = this.exchange.log.slice(this.harnessSeen).map((e) => ({ stream: e.stream, type: e.type, key: e.key, data: e.data as Record<string, unknown>, occurredAt: this.now() }));
    this.harnessSeen = this.exchange.log.length;
    this.events.push(...fresh);
    return fresh;
  }

  private onOrder(orderId: string, command: OrderCommand): void {
    const state = this.orders.get(orderId) ?? orderInitial();
    const events = orderDecide(command, state);
    this.orders.set(orderId, events.reduce<OrderState>((s, e) => orderEvolve(s, e), state));
    for (const e of events) this.push(streams.order(orderId), e.type, e.key, e.data as unknown as Record<string, unknown>);
  }

  private market(events: Array<{ type: string; data: Record<string, unknown> }>): void {
    const key = `wal:${this.nextWal++}`;
    for (const e of events) this.push(streams.market(this.symbol), e.type, key, { symbol: this.symbol, ...e.data });
  }

  orderState(orderId: string): OrderState | undefined {
    return this.orders.get(orderId);
  }

  // ------------------------------------------------------------------ commands

  listInstrument(): this {
    this.tick();
    this.push(streams.instrument(this.symbol), 'InstrumentListed', this.symbol, { ...this.instrument });
    return this;
  }

  registerUser(userId: string, name = `user ${userId}`): this {
    this.tick();
    this.push(streams.user(userId), 'UserRegistered', userId, { userId, name, apiKeyHash: createHash('sha256').update(`key-${userId}`).digest('hex') });
    return this;
  }

  deposit(userId: string, amount: string, txId = `tx-${this.nextRequest++}`): this {
    this.tick();
    this.push(streams.transfer(txId), 'TransferRecorded', txId, { userId, asset: this.instrument.quoteAsset, amount, kind: 'DEPOSIT', txId });
    this.exchange.deposit(userId, amount, txId);
    this.sync();
    return this;
  }

  setMark(price: string): this {
    this.tick();
    const requestId = `mark-${this.nextRequest++}`;
    this.push(streams.instrument(this.symbol), 'MarkPriceSet', requestId, { symbol: this.symbol, price, requestId });
    this.mark = price;
    return this;
  }

  fundInsurance(amount: string): this {
    this.tick();
    this.exchange.fundInsurance(amount, `ins-${this.nextRequest++}`);
    this.sync();
    return this;
  }

  liquidate(userId: string, price: string): this {
    this.tick();
    this.exchange.liquidate(userId, price, `liq-${this.nextRequest++}`);
    this.sync();
    return this;
  }

  /**
   * OrderPlaced → reserve + freeze (harness) → OrderAccepted | OrderRejected; an accepted order
   * rests in the book when `rest` (a maker), else it waits for `take`.
   */
  place(spec: PlaceSpec, options: { rest: boolean } = { rest: true }): { orderId: string; status: 'NEW' | 'REJECTED' } {
    this.tick();
    const clientOrderId = spec.clientOrderId ?? `c${this.nextClient++}`;
    const orderId = orderIdFor(spec.userId, clientOrderId);
    const reduceOnly = spec.reduceOnly ?? false;
    this.onOrder(orderId, {
      type: 'PlaceOrder', orderId, userId: spec.userId, clientOrderId, instrument: this.instrument,
      input: { symbol: this.symbol, side: spec.side, type: 'LIMIT', timeInForce: options.rest ? 'GTC' : 'IOC', price: spec.price, qty: spec.qty, reduceOnly },
    });
    const result = this.exchange.place({ orderId, userId: spec.userId, side: spec.side, qty: spec.qty, price: spec.price, reduceOnly });
    this.sync();
    if (result.status === 'REJECTED') {
      this.onOrder(orderId, { type: 'RejectOrder', orderId, reason: result.reason as 'INSUFFICIENT_MARGIN' });
      return { orderId, status: 'REJECTED' };
    }
    const tracked = this.exchange.position(spec.userId).orders[orderId]!;
    this.onOrder(orderId, {
      type: 'AcceptOrder', orderId, intent: result.intent as 'INCREASE', closeQty: result.closeQty, openQty: result.openQty, leverage: tracked.leverage,
      protectedPrice: null, frozenMargin: tracked.frozenMargin, frozenFee: tracked.frozenFee,
    });
    if (options.rest) {
      this.market([{ type: 'OrderRested', data: { orderId, side: spec.side, price: spec.price, qty: spec.qty } }]);
      this.resting.set(orderId, { userId: spec.userId, side: spec.side, price: spec.price, remaining: spec.qty });
    }
    return { orderId, status: 'NEW' };
  }

  /**
   * An accepted (not resting) taker order matches the given resting makers in one WAL entry;
   * its remainder expires (IOC). Each trade: both legs settled by the positions and posted by the
   * accounts (harness), then both orders' fills recorded; ended orders release their locks.
   */
  take(takerOrderId: string, makers: Array<{ orderId: string; qty: string }>): string[] {
    this.tick();
    const taker = this.exchange.orders.get(takerOrderId);
    if (!taker) throw new Error(`unknown taker ${takerOrderId}`);
    let takerLeft = dec(taker.qty).minus(taker.filled);
    const trades: Array<{ tradeId: string; maker: string; qty: string; price: string }> = [];
    const marketEvents: Array<{ type: string; data: Record<string, unknown> }> = [];
    for (const m of makers) {
      const resting = this.resting.get(m.orderId);
      if (!resting) throw new Error(`maker ${m.orderId} is not resting`);
      const makerLeft = dec(resting.remaining).minus(m.qty);
      takerLeft = takerLeft.minus(m.qty);
      const seq = this.nextSeq++;
      const tradeId = `${this.symbol}:${seq}`;
      marketEvents.push({
        type: 'TradeExecuted',
        data: {
          tradeId, seq, price: resting.price, qty: m.qty, takerSide: taker.side,
          maker: { orderId: m.orderId, userId: resting.userId, side: resting.side, remaining: canonical(makerLeft) },
          taker: { orderId: takerOrderId, userId: taker.userId, side: taker.side, remaining: canonical(takerLeft) },
        },
      });
      if (makerLeft.isZero()) this.resting.delete(m.orderId);
      else resting.remaining = canonical(makerLeft);
      trades.push({ tradeId, maker: m.orderId, qty: m.qty, price: resting.price });
    }
    const remainder = canonical(takerLeft);
    if (takerLeft.greaterThan(0)) marketEvents.push({ type: 'OrderExpiredInBook', data: { orderId: takerOrderId, remaining: remainder, reason: trades.length > 0 ? 'IOC' : 'NO_LIQUIDITY' } });
    this.market(marketEvents);
    for (const t of trades) {
      this.exchange.trade({ maker: t.maker, taker: takerOrderId, qty: t.qty, tradeId: t.tradeId });
      const settled = this.sync();
      for (const [orderId, liquidity] of [[t.maker, 'MAKER'], [takerOrderId, 'TAKER']] as const) {
        const userId = this.exchange.orders.get(orderId)!.userId;
        const legEvents = settled.filter((e) => e.stream.startsWith('position-')).map((e) => ({ type: e.type, key: e.key, data: e.data }));
        const own = legEventsOf(legEvents, t.tradeId).filter((e) => e.data['orderId'] === orderId && e.data['userId'] === userId);
        this.onOrder(orderId, { type: 'RecordFill', orderId, tradeId: t.tradeId, qty: t.qty, price: t.price, fee: legFee(own), liquidity });
      }
    }
    if (takerLeft.greaterThan(0)) this.endInBook(takerOrderId, 'EXPIRED');
    return trades.map((t) => t.tradeId);
  }

  /** OrderCancelRequested → the book removes the resting remainder → the order ends, locks released. */
  cancel(orderId: string): this {
    this.tick();
    const state = this.orders.get(orderId)!;
    this.onOrder(orderId, { type: 'RequestCancel', orderId, userId: state.placed!.userId });
    const resting = this.resting.get(orderId);
    if (!resting) throw new Error(`order ${orderId} is not resting`);
    this.market([{ type: 'OrderCancelledInBook', data: { orderId, remaining: resting.remaining } }]);
    this.resting.delete(orderId);
    this.endInBook(orderId, 'CANCELLED');
    return this;
  }

  private endInBook(orderId: string, outcome: 'CANCELLED' | 'EXPIRED'): void {
    this.exchange.cancel(orderId);
    this.sync();
    this.onOrder(orderId, outcome === 'CANCELLED' ? { type: 'EndOrder', orderId, outcome } : { type: 'EndOrder', orderId, outcome, reason: 'IOC' });
  }

  // ------------------------------------------------------------------ writing

  /**
   * Appends events [from, to) to the store: consecutive events of one stream form one append,
   * each with its exact expected revision. Returns the position of the last append.
   */
  async writeTo(store: EventStore, range: { from?: number; to?: number } = {}): Promise<Position> {
    const revisions = this.revisions;
    const end = range.to ?? this.events.length;
    let position: Position = '0';
    for (let i = range.from ?? 0; i < end; ) {
      const stream = this.events[i]!.stream;
      let j = i;
      while (j < end && this.events[j]!.stream === stream) j += 1;
      const group = this.events.slice(i, j);
      const first = group[0]!;
      const data = toEventData(stream, group.map((e) => ({ type: e.type, key: e.key, data: e.data })), {
        correlationId: `${stream}:${first.key}`, causationId: `${stream}:${first.key}`, occurredAt: first.occurredAt,
      });
      const revision = revisions.get(stream);
      const result = await store.append(stream, data, revision === undefined ? NO_STREAM : revision);
      revisions.set(stream, result.nextRevision);
      position = result.position;
      i = j;
    }
    return position;
  }

  private readonly revisions = new Map<string, number>();
}

/** The workload's deterministic PRNG (mulberry32): scenarios are reproducible from their seed. */
export { prng };

/** a price on the 0.1 tick grid, canonical */
function px(value: number): string {
  return canonical(value.toFixed(1));
}

export interface RandomScenarioOptions {
  seed: number;
  /** commands after the setup */
  steps: number;
  users?: number;
  /** called after each step with the number of events so far (to mark mid positions) */
  onStep?: (step: number, events: number) => void;
}

/**
 * A long random trading session: makers rest around the mark, takers cross them, cancels, mark
 * moves, deposits, and now and then a forced liquidation taken over by the insurance account.
 * Every step leaves the log quiescent (the harness plays each reaction to the end).
 */
export function randomScenario(options: RandomScenarioOptions): LogBuilder {
  const random = prng(options.seed);
  const b = new LogBuilder();
  const users = Array.from({ length: options.users ?? 6 }, (_, i) => `u${i + 1}`);
  b.listInstrument();
  for (const u of users) b.registerUser(u).deposit(u, '20000');
  b.fundInsurance('5000');
  let mid = 50_000;
  b.setMark(px(mid));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  for (let step = 0; step < options.steps; step += 1) {
    const r = random();
    const user = pick(users);
    if (r < 0.45) {
      const side: OrderSide = random() < 0.5 ? 'BUY' : 'SELL';
      const offsetTicks = 1 + Math.floor(random() * 20);
      const price = px(side === 'BUY' ? mid - offsetTicks * 0.1 : mid + offsetTicks * 0.1);
      b.place({ userId: user, side, qty: String(1 + Math.floor(random() * 5)), price });
    } else if (r < 0.8) {
      const side: OrderSide = random() < 0.5 ? 'BUY' : 'SELL';
      const makers = [...b.resting.entries()]
        .filter(([, o]) => o.side !== side && o.userId !== user)
        .sort(([, x], [, y]) => (side === 'BUY' ? Number(x.price) - Number(y.price) : Number(y.price) - Number(x.price)));
      if (makers.length === 0) continue;
      let want = 1 + Math.floor(random() * 8);
      const fills: Array<{ orderId: string; qty: string }> = [];
      for (const [orderId, o] of makers.slice(0, 3)) {
        if (want === 0) break;
        const q = Math.min(want, Number(o.remaining));
        fills.push({ orderId, qty: String(q) });
        want -= q;
      }
      const total = fills.reduce((s, f) => s + Number(f.qty), 0) + want;
      const limit = makers[Math.min(fills.length, 3) - 1]![1].price;
      const placed = b.place({ userId: user, side, qty: String(total), price: limit }, { rest: false });
      if (placed.status === 'NEW') b.take(placed.orderId, fills);
      mid = Number(limit);
    } else if (r < 0.9) {
      const mine = [...b.resting.entries()].filter(([, o]) => o.userId === user);
      if (mine.length > 0) b.cancel(pick(mine)[0]);
    } else if (r < 0.95) {
      mid = Math.max(1000, mid + (random() < 0.5 ? -1 : 1) * Math.floor(random() * 50) * 0.1);
      mid = Math.round(mid * 10) / 10;
      b.setMark(px(mid));
    } else if (r < 0.98) {
      b.deposit(user, String(100 + Math.floor(random() * 5000)));
    } else {
      const p = b.exchange.position(user);
      if (p.side !== null && !dec(p.qty).isZero() && b.mark !== undefined) b.liquidate(user, b.mark);
    }
    options.onStep?.(step, b.events.length);
  }
  return b;
}

export { INSURANCE_USER_ID };
