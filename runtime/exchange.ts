import { randomUUID } from 'node:crypto';
import { toEventData, type CausationContext, type DomainEvent } from '../eventstore/envelope.js';
import { StreamNotFound, WrongExpectedVersion } from '../eventstore/errors.js';
import { orderIdFor } from '../eventstore/ids.js';
import { NO_STREAM, type EventStore, type Position, type RecordedEvent } from '../eventstore/port.js';
import { streams } from '../eventstore/streams.js';
import { instrumentDecider } from '../domain/instrument/decider.js';
import type { Instrument, InstrumentInput } from '../domain/instrument/types.js';
import { positiveInput } from '../domain/money/amounts.js';
import { canonical } from '../domain/money/decimal.js';
import { orderDecider, orderNotFound } from '../domain/order/decider.js';
import type { OrderState, PlaceOrderInput } from '../domain/order/types.js';
import { INSURANCE_USER_ID } from '../domain/position/index.js';
import { DomainError, badInput, idempotencyKeyReused } from '../domain/shared/errors.js';
import type { PositionRequestedData } from '../domain/workflows/positionRequest.js';
import type { TransferKind, TransferRecordedData } from '../domain/workflows/transfer.js';
import { asDecided, loadAggregate } from './aggregates/load.js';
import type { SnapshotStore } from './aggregates/snapshots.js';
import type { InstrumentDirectory } from './instruments.js';

export interface ExchangeOptions {
  store: EventStore;
  directory: InstrumentDirectory;
  snapshots?: SnapshotStore;
  /** occurredAt of every command (tests pass a fixed clock) */
  clock?: () => Date;
  /** server-made ids: userIds, missing clientOrderIds, correlation ids */
  newId?: () => string;
  /**
   * Resolves once the workflows have handled everything up to `position` (in process: the
   * runner); without it the API polls the transfer stream for the outcome of a withdrawal.
   */
  waitForWorkflows?: (position: Position) => Promise<void>;
  /** how long withdraw waits for its outcome (default 5000 ms) */
  outcomeTimeoutMs?: number;
}

/** Every mutation answers with the log position of what it appended (null: nothing appended). */
export interface Appended {
  position: Position | null;
}

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9.:-]{0,63}$/;
const CONFLICT_RETRIES = 20;

/** position request streams: the runner is the position's single writer (runtime-owned name) */

type AnyDecider = { initialState(): any; evolve(state: any, event: { type: string; data: unknown }): any; decide(command: any, state: any): DomainEvent<string, any>[] };

/**
 * The command API (DESIGN §5, §10): validates input, appends the request event, and leaves the
 * rest to the workflows. Used by GraphQL, the tests and the benchmark. Errors are DomainErrors
 * with the codes of DESIGN §10 (IDEMPOTENCY_KEY_REUSED maps to BAD_USER_INPUT at the API edge).
 */
export class Exchange {
  private readonly clock: () => Date;
  private readonly newId: () => string;

  constructor(private readonly options: ExchangeOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
  }

  private context(): CausationContext {
    const id = this.newId();
    return { correlationId: id, causationId: id, occurredAt: this.clock().toISOString() };
  }

  // ------------------------------------------------------------------------------ users

  /** user-{userId} UserRegistered. CONFLICT when the userId exists. */
  async createUser(input: { name: string; apiKeyHash: string; userId?: string }): Promise<Appended & { userId: string }> {
    const userId = input.userId ?? this.newId();
    if (!USER_ID.test(userId) || userId === INSURANCE_USER_ID) throw badInput('INVALID_USER_ID', `invalid userId ${JSON.stringify(userId)}`);
    if (typeof input.name !== 'string' || input.name.length === 0 || input.name.length > 200) throw badInput('INVALID_NAME', 'name must be 1..200 characters');
    if (typeof input.apiKeyHash !== 'string' || input.apiKeyHash.length === 0) throw badInput('INVALID_API_KEY_HASH', 'apiKeyHash is required');
    const stream = streams.user(userId);
    try {
      const result = await this.options.store.append(stream, toEventData(stream, [{ type: 'UserRegistered', key: userId, data: { userId, name: input.name, apiKeyHash: input.apiKeyHash } }], this.context()), NO_STREAM);
      return { userId, position: result.position };
    } catch (error) {
      if (error instanceof WrongExpectedVersion) throw new DomainError('CONFLICT', `user ${userId} exists`);
      throw error;
    }
  }

  async userExists(userId: string): Promise<boolean> {
    if (!USER_ID.test(userId)) return false;
    try {
      await this.options.store.readStream(streams.user(userId), { maxCount: 1 });
      return true;
    } catch (error) {
      if (error instanceof StreamNotFound) return false;
      throw error;
    }
  }

  // ------------------------------------------------------------------------------ instruments

  /**
   * instrument-{symbol} InstrumentListed; BAD_USER_INPUT per validateInstrument. The very same
   * listing again is an idempotent repeat (the original's position); other parameters for a listed
   * symbol are CONFLICT. The listing's event id depends on the symbol only, so the store takes
   * any append under it as a repeat of the first: what the stream holds is compared after the
   * append, which also covers two concurrent listings that both found no stream.
   */
  async createInstrument(input: InstrumentInput): Promise<Appended & { instrument: Instrument }> {
    const [event] = instrumentDecider.decide({ type: 'ListInstrument', input }, instrumentDecider.initialState());
    const instrument = event!.data as Instrument;
    const stream = streams.instrument(instrument.symbol);
    try {
      await this.options.store.append(stream, toEventData(stream, [event!] as unknown as DomainEvent[], this.context()), NO_STREAM);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
    }
    const listed = await this.firstEvent(stream);
    if (!listed || listed.type !== 'InstrumentListed' || !sameFields(listed.data, instrument)) {
      throw new DomainError('CONFLICT', `instrument ${instrument.symbol} is already listed with other parameters`);
    }
    return { instrument, position: listed.position };
  }

  async instrument(symbol: string): Promise<Instrument | undefined> {
    return typeof symbol === 'string' && symbol.length <= 40 ? this.options.directory.get(symbol) : undefined;
  }

  listInstruments(): Instrument[] {
    return this.options.directory.list();
  }

  /** MarkPriceSet. NOT_FOUND (unknown symbol), BAD_USER_INPUT INVALID_PRICE / INVALID_TICK, repeated requestId. */
  async setMarkPrice(symbol: string, price: string, requestId: string = this.newId()): Promise<Appended> {
    await this.requireInstrument(symbol, 'NOT_FOUND');
    requireRequestId(requestId);
    return this.decideOn(streams.instrument(symbol), instrumentDecider, { type: 'SetMarkPrice', symbol, price, requestId });
  }

  // ------------------------------------------------------------------------------ funds

  /** transfer-{txId} TransferRecorded DEPOSIT; the workflow posts FundsDeposited. */
  async deposit(userId: string, asset: string, amount: string, txId: string): Promise<Appended> {
    await this.requireUser(userId);
    return this.recordTransfer(txId, 'DEPOSIT', asset, amount, userId);
  }

  /**
   * transfer-{userId}.{requestId} TransferRecorded WITHDRAWAL; waits for the workflow's outcome:
   * INSUFFICIENT_FUNDS, FAILED_PRECONDITION (deficit) or the posted FundsWithdrawn.
   */
  async withdraw(userId: string, asset: string, amount: string, requestId: string): Promise<Appended> {
    await this.requireUser(userId);
    requireRequestId(requestId);
    const transferId = `${userId}.${requestId}`;
    const appended = await this.recordTransfer(transferId, 'WITHDRAWAL', asset, amount, userId, requestId);
    const outcome = await this.outcomeOf(streams.transfer(transferId), appended.position, ['TransferPosted', 'TransferRejected']);
    if (outcome?.type === 'TransferRejected') {
      const d = outcome.data as { code: string; reason?: string; message: string };
      throw new DomainError(d.code, d.message, d.reason);
    }
    return appended;
  }

  /** transfer-{txId} TransferRecorded INSURANCE_FUNDING; the workflow posts InsuranceFunded. */
  async fundInsurance(asset: string, amount: string, txId: string): Promise<Appended> {
    return this.recordTransfer(txId, 'INSURANCE_FUNDING', asset, amount);
  }

  private async recordTransfer(transferId: string, kind: TransferKind, asset: string, amountText: string, userId?: string, requestId?: string): Promise<Appended> {
    requireRequestId(transferId);
    if (!this.options.directory.quoteAssets().has(asset)) throw badInput('UNKNOWN_ASSET', `${JSON.stringify(asset)} is not a listed quote asset`);
    const amount = canonical(positiveInput(amountText, 'INVALID_AMOUNT', 'amount'));
    const data: TransferRecordedData = { transferId, kind, asset, amount };
    if (userId !== undefined) data.userId = userId;
    if (requestId !== undefined) data.requestId = requestId;
    const stream = streams.transfer(transferId);
    // ids are deterministic per key, so the store would take a different payload under the same
    // id for a repeat: the payload is compared here, before and after a lost race
    const existing = await this.firstEvent(stream);
    if (existing) return sameTransfer(existing, data, requestId ?? transferId);
    try {
      const result = await this.options.store.append(stream, toEventData(stream, [{ type: 'TransferRecorded', key: transferId, data: data as unknown as Record<string, unknown> }], this.context()), NO_STREAM);
      return { position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      return sameTransfer((await this.firstEvent(stream))!, data, requestId ?? transferId);
    }
  }

  private async firstEvent(stream: string): Promise<RecordedEvent | undefined> {
    try {
      const [first] = await this.options.store.readStream(stream, { maxCount: 1 });
      return first;
    } catch (error) {
      if (error instanceof StreamNotFound) return undefined;
      throw error;
    }
  }

  /** Waits (bounded) until the workflow recorded the request's outcome on its stream. */
  private async outcomeOf(stream: string, since: Position | null, types: readonly string[]): Promise<RecordedEvent | undefined> {
    const deadline = Date.now() + (this.options.outcomeTimeoutMs ?? 5000);
    if (this.options.waitForWorkflows && since) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.options.waitForWorkflows(since), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
      clearTimeout(timer);
    }
    for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, 50)) {
      const events = await this.options.store.readStream(stream);
      const outcome = events.find((e) => types.includes(e.type));
      if (outcome || Date.now() >= deadline) return outcome;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  // ------------------------------------------------------------------------------ orders

  /**
   * order-{orderId} OrderPlaced with NO_STREAM, orderId = orderIdFor(userId, clientOrderId).
   * Stateless validation (BAD_USER_INPUT: UNKNOWN_SYMBOL, INVALID_LOT, INVALID_TICK, …) writes
   * nothing; a repeat with the same payload returns the same order, another payload is
   * IDEMPOTENCY_KEY_REUSED. Stateful rejections come later from the workflow (order REJECTED).
   */
  async placeOrder(userId: string, input: PlaceOrderInput & { clientOrderId?: string | null }): Promise<Appended & { orderId: string; clientOrderId: string }> {
    if (userId !== INSURANCE_USER_ID && !USER_ID.test(userId)) throw badInput('INVALID_USER_ID', `invalid userId ${JSON.stringify(userId)}`);
    const clientOrderId = input.clientOrderId ?? this.newId();
    if (typeof clientOrderId !== 'string' || clientOrderId.length === 0 || clientOrderId.length > 100) throw badInput('INVALID_CLIENT_ORDER_ID', 'clientOrderId must be 1..100 characters');
    const instrument = await this.instrument(input.symbol);
    const orderId = orderIdFor(userId, clientOrderId);
    const { clientOrderId: _ignored, ...orderInput } = input;
    const command = { type: 'PlaceOrder', orderId, userId, clientOrderId, input: orderInput, instrument };
    const events = orderDecider.decide(command as never, orderDecider.initialState());
    const stream = streams.order(orderId);
    const existing = await this.firstEvent(stream);
    if (existing) return this.samePlacement(existing, command, orderId, clientOrderId);
    try {
      const result = await this.options.store.append(stream, toEventData(stream, events as unknown as DomainEvent[], this.context()), NO_STREAM);
      return { orderId, clientOrderId, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      return this.samePlacement((await this.firstEvent(stream))!, command, orderId, clientOrderId);
    }
  }

  /** a repeat: the same payload answers the same order, another one IDEMPOTENCY_KEY_REUSED */
  private samePlacement(first: RecordedEvent, command: unknown, orderId: string, clientOrderId: string): Appended & { orderId: string; clientOrderId: string } {
    const state = orderDecider.evolve(orderDecider.initialState(), asDecided(first));
    orderDecider.decide(command as never, state);
    return { orderId, clientOrderId, position: first.position };
  }

  /** The admin's reduce-only order for the insurance account (DESIGN §5 Liquidation). */
  async placeInsuranceOrder(input: Omit<PlaceOrderInput, 'reduceOnly'> & { clientOrderId?: string | null }): Promise<Appended & { orderId: string; clientOrderId: string }> {
    return this.placeOrder(INSURANCE_USER_ID, { ...input, reduceOnly: true });
  }

  /**
   * OrderCancelRequested. NOT_FOUND for a missing order or another user's (no existence leak);
   * an order that already ended, or whose cancel was requested, is returned unchanged
   * (position null).
   */
  async cancelOrder(userId: string, orderId: string): Promise<Appended & { orderId: string }> {
    if (typeof orderId !== 'string' || !/^[0-9a-f-]{36}$/.test(orderId)) throw orderNotFound(orderId);
    const result = await this.decideOn(streams.order(orderId), orderDecider, { type: 'RequestCancel', orderId, userId }, () => orderNotFound(orderId));
    return { orderId, ...result };
  }

  /** The order as its stream says now (PENDING until the workflow decided it). */
  async order(orderId: string): Promise<OrderState | undefined> {
    if (typeof orderId !== 'string' || !/^[0-9a-f-]{36}$/.test(orderId)) return undefined;
    const loaded = await loadAggregate(this.options.store, streams.order(orderId), orderDecider);
    return loaded.revision < 0 ? undefined : loaded.state;
  }

  // ------------------------------------------------------------------------------ positions

  /**
   * LeverageSet, decided by the workflow on the position (its single writer); waits for the
   * answer. NOT_FOUND (symbol), BAD_USER_INPUT INVALID_LEVERAGE, FAILED_PRECONDITION (position
   * or open/pending orders), IDEMPOTENCY_KEY_REUSED.
   */
  async setLeverage(userId: string, symbol: string, leverage: number, requestId: string = this.newId()): Promise<Appended> {
    await this.requireInstrument(symbol, 'NOT_FOUND');
    return this.positionRequest({ kind: 'SET_LEVERAGE', userId, symbol, requestId, leverage });
  }

  /**
   * Admin-forced liquidation at `price`: the workflow liquidates the position, settles the
   * account and moves the position to the insurance account; waits for the answer. NOT_FOUND
   * (symbol), BAD_USER_INPUT INVALID_PRICE / INVALID_TICK, FAILED_PRECONDITION FLAT_POSITION,
   * IDEMPOTENCY_KEY_REUSED.
   */
  async liquidate(userId: string, symbol: string, price: string, requestId: string = this.newId()): Promise<Appended> {
    await this.requireInstrument(symbol, 'NOT_FOUND');
    if (typeof price !== 'string' || !/^(0|[1-9][0-9]{0,15})(\.[0-9]{1,8})?$/.test(price)) throw badInput('INVALID_PRICE', `price must be a plain decimal, got ${JSON.stringify(price)}`);
    return this.positionRequest({ kind: 'LIQUIDATE', userId, symbol, requestId, price: canonical(price) });
  }

  private async positionRequest(data: PositionRequestedData): Promise<Appended> {
    if (!USER_ID.test(data.userId)) throw new DomainError('NOT_FOUND', `user ${data.userId} not found`);
    requireRequestId(data.requestId);
    const stream = streams.positionRequest(data.userId, data.symbol, data.requestId);
    let appended: Appended;
    const existing = await this.firstEvent(stream);
    if (existing) appended = sameRequest(existing, data);
    else {
      try {
        const result = await this.options.store.append(stream, toEventData(stream, [{ type: 'PositionRequested', key: data.requestId, data: data as unknown as Record<string, unknown> }], this.context()), NO_STREAM);
        appended = { position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        appended = sameRequest((await this.firstEvent(stream))!, data);
      }
    }
    const outcome = await this.outcomeOf(stream, appended.position, ['PositionRequestCompleted', 'PositionRequestRejected']);
    if (outcome?.type === 'PositionRequestRejected') {
      const d = outcome.data as { code: string; reason?: string; message: string };
      throw new DomainError(d.code, d.message, d.reason);
    }
    return appended;
  }

  // ------------------------------------------------------------------------------ helpers

  private async requireInstrument(symbol: string, code: 'NOT_FOUND' | 'BAD_USER_INPUT'): Promise<Instrument> {
    const instrument = await this.instrument(symbol);
    if (!instrument) throw code === 'NOT_FOUND' ? new DomainError('NOT_FOUND', `unknown symbol ${symbol}`) : badInput('UNKNOWN_SYMBOL', `unknown symbol ${symbol}`);
    return instrument;
  }

  private async requireUser(userId: string): Promise<void> {
    if (!(await this.userExists(userId))) throw new DomainError('NOT_FOUND', `user ${userId} not found`);
  }

  /**
   * Load (snapshot + tail) → decide → append at the exact revision. The workflow runner writes
   * the same streams; a conflict reloads and decides again, a bounded number of times.
   */
  private async decideOn(stream: string, decider: AnyDecider, command: unknown, missing?: () => DomainError): Promise<Appended> {
    for (let attempt = 0; ; attempt++) {
      const loaded = await loadAggregate(this.options.store, stream, decider, this.options.snapshots);
      if (missing && loaded.revision < 0) throw missing();
      const events = decider.decide(command, loaded.state);
      if (events.length === 0) return { position: null };
      try {
        const result = await this.options.store.append(stream, toEventData(stream, events, this.context()), loaded.revision < 0 ? NO_STREAM : loaded.revision);
        return { position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion) || attempt >= CONFLICT_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, 1 << attempt)));
      }
    }
  }
}

function sameRequest(first: RecordedEvent, data: PositionRequestedData): Appended {
  if (first.type !== 'PositionRequested' || JSON.stringify(first.data) !== JSON.stringify(data)) throw idempotencyKeyReused(data.requestId);
  return { position: first.position };
}

function sameTransfer(first: RecordedEvent, data: TransferRecordedData, key: string): Appended {
  if (first.type !== 'TransferRecorded' || JSON.stringify(first.data) !== JSON.stringify(data)) throw idempotencyKeyReused(key);
  return { position: first.position };
}

/** the same fields with the same values, in any order (stored JSON keeps its own key order) */
function sameFields(stored: Record<string, unknown>, wanted: object): boolean {
  const entries = Object.entries(wanted);
  return entries.length === Object.keys(stored).length && entries.every(([key, value]) => JSON.stringify(stored[key]) === JSON.stringify(value));
}

function requireRequestId(id: string): void {
  if (typeof id !== 'string' || !REQUEST_ID.test(id)) throw badInput('INVALID_REQUEST_ID', `ids must match ${REQUEST_ID}, got ${JSON.stringify(id)}`);
}
