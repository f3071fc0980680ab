import {
  decide as accountDecide,
  evolve as accountEvolve,
  initialState as accountInitial,
  type AccountCommand,
  type AccountEvent,
  type AccountState,
} from '../../../domain/account/index.js';
import { evolve as insuranceEvolve, initialState as insuranceInitial, type InsuranceState } from '../../../domain/insurance/index.js';
import { LedgerAuditor, type PositionSnapshot, type Violation } from '../../../domain/ledger/audit.js';
import { canonical, dec, sum } from '../../../domain/money/decimal.js';
import { fee, initialMargin, notional } from '../../../domain/money/rules.js';
import {
  INSURANCE_USER_ID,
  decide as positionDecide,
  effectiveLeverage,
  evolve as positionEvolve,
  initialState as positionInitial,
  recordedIntent,
  type OrderSide,
  type PositionCommand,
  type PositionEvent,
  type PositionInstrument,
  type PositionState,
} from '../../../domain/position/index.js';
import { isDomainError } from '../../../domain/shared/errors.js';
import type { EventLike } from '../../../domain/shared/events.js';
import { BTC_PERP } from './instrument.js';
import { insuranceFor, type AnyEvent, type InsuranceBook } from './insurance.js';

/**
 * A tiny in-memory exchange driven only through the deciders. It plays the reactions of
 * DESIGN §5 by hand — placement (intent → reserve → freeze → accept | reject with rollback),
 * both legs of a trade (settled independently), order end → OrderLocksReleased → FundsUnfrozen,
 * liquidation with the insurance take-over — and records every event with its stream and key so
 * the ledger audit can run after every step and the log can be replayed from scratch.
 */

export interface Recorded {
  stream: string;
  type: string;
  key: string;
  data: unknown;
}

export interface HarnessOrder {
  orderId: string;
  userId: string;
  side: OrderSide;
  qty: string;
  price: string;
  reduceOnly: boolean;
  filled: string;
  open: boolean;
}

export interface PlaceInput {
  orderId: string;
  userId: string;
  side: OrderSide;
  qty: string;
  price: string;
  reduceOnly?: boolean;
}

export type PlaceResult = { status: 'NEW'; intent: string; closeQty: string; openQty: string } | { status: 'REJECTED'; reason: string };

/** A command as it was delivered, so it can be delivered again (at-least-once). */
interface Delivery {
  stream: string;
  redeliver(): AnyEvent[];
}

export class ScenarioExchange {
  readonly positions = new Map<string, PositionState>();
  readonly accounts = new Map<string, AccountState>();
  readonly orders = new Map<string, HarnessOrder>();
  readonly log: Recorded[] = [];
  readonly violations: Violation[] = [];
  readonly insurance: InsuranceBook;
  private readonly auditor = new LedgerAuditor();
  private readonly deliveries: Delivery[] = [];
  private nextSeq = 1;
  private nextTrade = 1;
  private nextRequest = 1;

  constructor(
    readonly instrument: PositionInstrument = BTC_PERP,
    readonly asset = 'USDT',
  ) {
    this.insurance = insuranceFor(asset, (stream, events) => this.record(stream, events));
  }

  // ------------------------------------------------------------------ state access

  positionStream(userId: string): string {
    return userId === INSURANCE_USER_ID ? `position-insurance_${this.instrument.symbol}` : `position-${userId}_${this.instrument.symbol}`;
  }

  position(userId: string): PositionState {
    return this.positions.get(this.positionStream(userId)) ?? positionInitial();
  }

  account(userId: string): AccountState {
    return this.accounts.get(`account-${userId}`) ?? accountInitial();
  }

  /** wallet.available, wallet.frozen and margin.{symbol} of a user, as canonical strings */
  wallet(userId: string): { available: string; frozen: string; margin: string } {
    const b = this.account(userId).balances[this.asset];
    return { available: b?.available ?? '0', frozen: b?.frozen ?? '0', margin: b?.margins[this.instrument.symbol] ?? '0' };
  }

  platform(account: string): string {
    return canonical(this.auditor.balances.platform(account, this.asset));
  }

  user(userId: string, account: string): string {
    return canonical(this.auditor.balances.get('USER', userId, account, this.asset));
  }

  users(): string[] {
    const ids = new Set<string>();
    for (const stream of this.accounts.keys()) ids.add(stream.slice('account-'.length));
    for (const o of this.orders.values()) if (o.userId !== INSURANCE_USER_ID) ids.add(o.userId);
    return [...ids].sort();
  }

  // ------------------------------------------------------------------ decide + evolve + record

  private record(stream: string, events: readonly AnyEvent[]): void {
    for (const e of events) {
      this.log.push({ stream, type: e.type, key: e.key, data: e.data });
      this.violations.push(...this.auditor.apply({ id: `${stream}/${e.key}`, type: e.type, data: e.data }));
    }
  }

  private onPosition(userId: string, command: PositionCommand): PositionEvent[] {
    const stream = this.positionStream(userId);
    const events = positionDecide(command, this.position(userId));
    this.positions.set(stream, events.reduce<PositionState>(positionEvolve, this.position(userId)));
    this.record(stream, events);
    this.deliveries.push({ stream, redeliver: () => positionDecide(command, this.position(userId)) });
    return events;
  }

  private onAccount(userId: string, command: AccountCommand): AccountEvent[] {
    const stream = `account-${userId}`;
    const events = accountDecide(command, this.account(userId));
    this.accounts.set(stream, events.reduce<AccountState>((s, e) => accountEvolve(s, e as EventLike), this.account(userId)));
    this.record(stream, events);
    this.deliveries.push({ stream, redeliver: () => accountDecide(command, this.account(userId)) });
    return events;
  }

  private requestId(prefix: string): string {
    return `${prefix}-${this.nextRequest++}`;
  }

  // ------------------------------------------------------------------ commands and their reactions

  deposit(userId: string, amount: string, txId = this.requestId('tx')): void {
    this.onAccount(userId, { type: 'Deposit', userId, asset: this.asset, amount, txId });
  }

  setLeverage(userId: string, leverage: number, requestId = this.requestId('lev')): void {
    this.onPosition(userId, { type: 'SetLeverage', requestId, userId, instrument: this.instrument, leverage });
  }

  /** OrderPlaced → position (intent, reserve) → account (freeze the open part) → accepted | rejected. */
  place(input: PlaceInput): PlaceResult {
    const { orderId, userId, side, qty, price } = input;
    const reduceOnly = input.reduceOnly ?? false;
    const instrument = this.instrument;
    try {
      this.onPosition(userId, { type: 'ReserveForOrder', userId, instrument, orderId, side, qty, reduceOnly });
    } catch (error) {
      if (isDomainError(error, 'FAILED_PRECONDITION') && error.reason === 'REDUCE_ONLY_WOULD_OPEN') return { status: 'REJECTED', reason: error.reason };
      throw error;
    }
    const intent = recordedIntent(this.position(userId), orderId)!;
    const leverage = userId === INSURANCE_USER_ID ? 1 : effectiveLeverage(this.position(userId), instrument);
    let frozenMargin = '0';
    let frozenFee = '0';
    // Nothing to freeze for a pure close (and the insurance account has no wallet).
    if (dec(intent.openQty).greaterThan(0) && userId !== INSURANCE_USER_ID) {
      frozenMargin = canonical(initialMargin(price, intent.openQty, instrument.contractSize, leverage, instrument.initialMarginRate));
      frozenFee = canonical(fee(notional(price, intent.openQty, instrument.contractSize), instrument.takerFeeRate));
      const [frozen] = this.onAccount(userId, {
        type: 'FreezeFunds', userId, orderId, symbol: instrument.symbol, asset: this.asset, openQty: intent.openQty, margin: frozenMargin, fee: frozenFee,
      });
      if (frozen?.type === 'FundsFreezeFailed') {
        this.onPosition(userId, { type: 'ReleaseReservation', userId, instrument, orderId });
        return { status: 'REJECTED', reason: (frozen.data as { reason: string }).reason };
      }
    }
    this.onPosition(userId, {
      type: 'TrackAcceptedOrder', userId, instrument, orderId, side, openQty: intent.openQty, frozenMargin, frozenFee, leverage, price,
    });
    this.orders.set(orderId, { orderId, userId, side, qty, price, reduceOnly, filled: '0', open: true });
    return { status: 'NEW', ...intent };
  }

  /**
   * TradeExecuted between a resting maker and a taker at the maker's price (unless given): each
   * leg is settled by its own position, then posted by its own account; an order left with
   * nothing to fill ends (OrderFilled → OrderLocksReleased → FundsUnfrozen).
   */
  trade(input: { maker: string; taker: string; qty: string; price?: string; tradeId?: string }): string {
    const maker = this.openOrder(input.maker);
    const taker = this.openOrder(input.taker);
    if (maker.side === taker.side || maker.userId === taker.userId) throw new Error('a trade needs opposite sides of two users');
    const tradeId = input.tradeId ?? `t${this.nextTrade++}`;
    const seq = this.nextSeq++;
    const price = input.price ?? maker.price;
    for (const [order, liquidity] of [[maker, 'MAKER'], [taker, 'TAKER']] as const) {
      const left = dec(order.qty).minus(order.filled);
      if (dec(input.qty).greaterThan(left)) throw new Error(`order ${order.orderId} has only ${canonical(left)} left`);
      this.settleLeg(order, { tradeId, seq, price, qty: input.qty, liquidity });
    }
    for (const order of [maker, taker]) if (dec(order.filled).equals(order.qty)) this.end(order.orderId);
    return tradeId;
  }

  private settleLeg(order: HarnessOrder, leg: { tradeId: string; seq: number; price: string; qty: string; liquidity: 'MAKER' | 'TAKER' }): void {
    const events = this.onPosition(order.userId, {
      type: 'SettleFillLeg', userId: order.userId, instrument: this.instrument, tradeId: leg.tradeId, seq: leg.seq, orderId: order.orderId,
      side: order.side, price: leg.price, qty: leg.qty, liquidity: leg.liquidity,
    });
    order.filled = canonical(dec(order.filled).plus(leg.qty));
    if (order.userId === INSURANCE_USER_ID) {
      const legFee = sum(events.map((e) => ('fee' in e.data ? e.data.fee : '0')));
      this.insurance.feePaid(leg.tradeId, canonical(legFee));
      // the fund's PnL entry answers the close event it realises, under the same key
      for (const e of events) if (e.type === 'PositionMarginReleased') this.insurance.pnlRealized(e.key, e.data.realizedPnl);
    } else {
      this.onAccount(order.userId, { type: 'SettleTradeLeg', userId: order.userId, asset: this.asset, effects: events.map((e) => ({ type: e.type, key: e.key, data: { ...e.data } })) });
    }
  }

  /** Cancel (or expiry of the remainder): the order ends with whatever it still holds released. */
  cancel(orderId: string): void {
    this.openOrder(orderId);
    this.end(orderId);
  }

  private end(orderId: string): void {
    const order = this.openOrder(orderId);
    order.open = false;
    const [released] = this.onPosition(order.userId, { type: 'EndOrder', userId: order.userId, instrument: this.instrument, orderId });
    if (released?.type !== 'OrderLocksReleased' || order.userId === INSURANCE_USER_ID) return;
    this.onAccount(order.userId, {
      type: 'UnfreezeFunds', userId: order.userId, orderId, asset: this.asset, margin: released.data.unfreezeMargin, fee: released.data.unfreezeFee,
    });
  }

  /** Admin-forced liquidation: the user's whole position moves to the insurance account. */
  liquidate(userId: string, price: string, requestId = this.requestId('liq')): void {
    const [liquidated] = this.onPosition(userId, { type: 'Liquidate', requestId, userId, instrument: this.instrument, price });
    if (liquidated?.type !== 'PositionLiquidated') return;
    const d = liquidated.data;
    this.onAccount(userId, {
      type: 'SettleLiquidation', userId, symbol: this.instrument.symbol, asset: this.asset, requestId, marginReleased: d.marginReleased, realizedPnl: d.realizedPnl,
    });
    const [taken] = this.onPosition(INSURANCE_USER_ID, { type: 'TransferIn', requestId, instrument: this.instrument, fromUserId: userId, side: d.side, qty: d.qty, price });
    if (taken?.type === 'PositionTransferredIn') this.insurance.pnlRealized(requestId, taken.data.realizedPnl);
  }

  fundInsurance(amount: string, txId = this.requestId('ins')): void {
    this.insurance.funded(txId, amount);
  }

  private openOrder(orderId: string): HarnessOrder {
    const order = this.orders.get(orderId);
    if (!order || !order.open) throw new Error(`order ${orderId} is not open`);
    return order;
  }

  // ------------------------------------------------------------------ checks

  /** Every command delivered so far, delivered again: each must be answered with no events. */
  redeliverAll(): { stream: string; events: AnyEvent[] }[] {
    const repeats = this.deliveries.map((d) => ({ stream: d.stream, events: d.redeliver() }));
    repeats.push({ stream: this.insurance.stream, events: this.insurance.redeliverAll() });
    return repeats.filter((r) => r.events.length > 0);
  }

  /** Delivers one earlier command again (by index modulo the count) and returns what it produced. */
  redeliver(index: number): AnyEvent[] {
    if (this.deliveries.length === 0) return [];
    return this.deliveries[index % this.deliveries.length]!.redeliver();
  }

  positionSnapshots(): PositionSnapshot[] {
    const out: PositionSnapshot[] = [];
    for (const [stream, p] of this.positions) {
      if (p.side === null || dec(p.qty).isZero()) continue;
      out.push({ owner: stream, symbol: this.instrument.symbol, asset: this.asset, side: p.side, qty: p.qty, entryNotional: p.entryNotional });
    }
    return out;
  }

  /**
   * Every rule of DESIGN §6 at this (quiescent) point: per-entry violations so far, identities,
   * user funds, open interest, clearing.pnl, custody, and that no ended order holds anything.
   */
  audit(): string[] {
    const problems = this.violations.map((v) => `${v.rule} ${v.eventId ?? ''}: ${v.detail}`);
    for (const v of [...this.auditor.checkAll(), ...this.auditor.checkQuiescent(this.positionSnapshots())]) problems.push(`${v.rule}: ${v.detail}`);
    const custody = dec(this.platform('custody.wallet'));
    const expected = dec(this.platform('liability.userFunds')).plus(this.platform('revenue.fees')).minus(this.platform('clearing.pnl')).plus(this.platform('equity.insuranceFund'));
    if (!custody.equals(expected)) problems.push(`CUSTODY: custody.wallet ${canonical(custody)} ≠ userFunds + fees − clearing + insurance = ${canonical(expected)}`);
    for (const userId of this.users()) {
      const w = this.wallet(userId);
      for (const [name, ledger] of [['available', 'wallet.available'], ['frozen', 'wallet.frozen'], ['margin', `margin.${this.instrument.symbol}`]] as const) {
        if (w[name] !== this.user(userId, ledger)) problems.push(`WALLET: ${userId} ${name} ${w[name]} ≠ ledger ${this.user(userId, ledger)}`);
      }
      const p = this.position(userId);
      if (p.margin !== w.margin) problems.push(`MARGIN: position ${userId} margin ${p.margin} ≠ account margin ${w.margin}`);
      const frozenByPosition = sum(Object.values(p.orders).map((o) => dec(o.frozenMargin).plus(o.frozenFee)));
      if (!frozenByPosition.equals(w.frozen)) problems.push(`FROZEN: ${userId} orders hold ${canonical(frozenByPosition)} at the position, account frozen ${w.frozen}`);
    }
    for (const [stream, p] of this.positions) {
      for (const o of Object.values(p.orders)) {
        const order = this.orders.get(o.orderId);
        if (!order?.open) problems.push(`ENDED_ORDER_HOLDS: ${stream} still tracks ${o.orderId}`);
      }
      const reserved = sum(p.reservations.map((r) => r.qty));
      if (reserved.greaterThan(p.qty)) problems.push(`RESERVATIONS: ${stream} reserves ${canonical(reserved)} of ${p.qty}`);
    }
    const keys = new Set<string>();
    for (const e of this.log) {
      const k = `${e.stream} ${e.key}`;
      if (keys.has(k)) problems.push(`KEY_TWICE: ${k}`);
      keys.add(k);
    }
    return problems;
  }

  /** Folds the recorded log from scratch with evolve only. */
  replay(): { positions: Map<string, PositionState>; accounts: Map<string, AccountState>; insurance: InsuranceState } {
    const positions = new Map<string, PositionState>();
    const accounts = new Map<string, AccountState>();
    let insurance = insuranceInitial();
    for (const e of this.log) {
      if (e.stream.startsWith('position-')) positions.set(e.stream, positionEvolve(positions.get(e.stream) ?? positionInitial(), e));
      else if (e.stream.startsWith('account-')) accounts.set(e.stream, accountEvolve(accounts.get(e.stream) ?? accountInitial(), e));
      else if (e.stream === this.insurance.stream) insurance = insuranceEvolve(insurance, e);
      else throw new Error(`unexpected stream ${e.stream}`);
    }
    return { positions, accounts, insurance };
  }
}
