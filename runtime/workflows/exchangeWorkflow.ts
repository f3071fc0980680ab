import { streams } from '../../eventstore/streams.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { accountDecider, deficitOf, type AccountState } from '../../domain/account/index.js';
import type { Instrument } from '../../domain/instrument/types.js';
import { insuranceDecider } from '../../domain/insurance/index.js';
import { dec } from '../../domain/money/decimal.js';
import { orderDecider } from '../../domain/order/decider.js';
import type { ExpireReason, OrderPlacedData, OrderState, RejectReason } from '../../domain/order/types.js';
import {
  INSURANCE_USER_ID,
  effectiveLeverage,
  positionDecider,
  recordedIntent,
  type PositionEvent,
  type PositionState,
} from '../../domain/position/index.js';
import { DomainError, DomainInvariantError, isDomainError } from '../../domain/shared/errors.js';
import { freezeAmounts, freezePrice } from '../../domain/workflows/placement.js';
import { isOrderEnded, legEventsOf, legFee, legRealizedPnl, legsOf, type Leg, type TradeExecutedData } from '../../domain/workflows/settlement.js';
import { positionRequestDecider, type PositionRequestedData, type PositionRequestState } from '../../domain/workflows/positionRequest.js';
import { transferDecider, type TransferRecordedData, type TransferState } from '../../domain/workflows/transfer.js';
import type { AggregateKind, StepContext, WorkflowHandler } from './runner.js';

/** What the runner derives from the log as of each event (saved with its checkpoint). */
export interface ExchangeMemory {
  instruments: Record<string, Instrument>;
  /** the mark: the later of the last MarkPriceSet and the last TradeExecuted price (DESIGN §5) */
  marks: Record<string, string>;
}

const position = positionDecider as unknown as AggregateKind;
const account = accountDecider as unknown as AggregateKind;
const order = orderDecider as unknown as AggregateKind;
const insurance = insuranceDecider as unknown as AggregateKind;
const transfer = transferDecider as unknown as AggregateKind;
const positionRequest = positionRequestDecider as unknown as AggregateKind;

/** How far back a redelivery looks for what a position decided (a crash loses only the tail). */
const READ_BACK_EVENTS = 256;

const EVENT_TYPES = [
  'InstrumentListed',
  'MarkPriceSet',
  'TransferRecorded',
  'OrderPlaced',
  'OrderCancelRequested',
  'TradeExecuted',
  'OrderCancelledInBook',
  'OrderExpiredInBook',
  'OrderRejectedByBook',
  'PositionRequested',
];

type Ctx = StepContext<ExchangeMemory>;

/**
 * The process managers of DESIGN §5 / §8 as one handler: each event is turned into decider
 * commands on the aggregates it concerns, in log order. Every path is written as "complete
 * whatever is not yet done", judged from the aggregates' own states, so a redelivery — after a
 * crash between two appends, or from the start of the log — finishes the work once.
 */
export function exchangeWorkflow(): WorkflowHandler<ExchangeMemory> {
  return {
    eventTypes: EVENT_TYPES,
    initialMemory: () => ({ instruments: {}, marks: {} }),
    kindOf: (stream) => (stream.startsWith('order-') ? order : undefined),
    async handle(ctx) {
      const event = ctx.event;
      switch (event.type) {
        case 'InstrumentListed': {
          const instrument = event.data as unknown as Instrument;
          ctx.memory = { ...ctx.memory, instruments: { ...ctx.memory.instruments, [instrument.symbol]: instrument } };
          return;
        }
        case 'MarkPriceSet': {
          const { symbol, price } = event.data as { symbol: string; price: string };
          ctx.memory = { ...ctx.memory, marks: { ...ctx.memory.marks, [symbol]: price } };
          return;
        }
        case 'TransferRecorded':
          return onTransfer(ctx, event.data as unknown as TransferRecordedData);
        case 'OrderPlaced':
          return onOrderPlaced(ctx, event.data as unknown as OrderPlacedData);
        case 'TradeExecuted':
          return onTrade(ctx, event.data as unknown as TradeExecutedData);
        case 'OrderCancelledInBook':
        case 'OrderExpiredInBook':
          return onBookEnd(ctx, event);
        case 'OrderRejectedByBook':
          throw new DomainInvariantError(`the book rejected accepted order ${String(event.data['orderId'])}: ${String(event.data['reason'])}`);
        case 'PositionRequested':
          return onPositionRequest(ctx, event.stream, event.data as unknown as PositionRequestedData);
        default:
          // OrderCancelRequested: written by the API on the order stream; the runner only folds
          // it into its cache (runner.absorb) so its next append there is based on it
          return;
      }
    },
  };
}

function instrumentOf(ctx: Ctx, symbol: string): Instrument {
  const instrument = ctx.memory.instruments[symbol];
  if (!instrument) throw new DomainInvariantError(`event for ${symbol}, which is not listed as of this event`);
  return instrument;
}

function positionStream(userId: string, symbol: string): string {
  return userId === INSURANCE_USER_ID ? streams.insurancePosition(symbol) : streams.position(userId, symbol);
}

// --------------------------------------------------------------------------------- transfers

async function onTransfer(ctx: Ctx, data: TransferRecordedData): Promise<void> {
  const tStream = streams.transfer(data.transferId);
  await ctx.load(tStream, transfer);
  if (ctx.state<TransferState>(tStream, transfer).outcome !== undefined) return;
  try {
    if (data.kind === 'INSURANCE_FUNDING') {
      const iStream = streams.insurance(data.asset);
      await ctx.load(iStream, insurance);
      ctx.decide(iStream, insurance, { type: 'FundInsurance', asset: data.asset, amount: data.amount, txId: data.transferId });
    } else {
      const aStream = streams.account(data.userId!);
      await ctx.load(aStream, account);
      if (data.kind === 'DEPOSIT') ctx.decide(aStream, account, { type: 'Deposit', userId: data.userId, asset: data.asset, amount: data.amount, txId: data.transferId });
      else ctx.decide(aStream, account, { type: 'Withdraw', userId: data.userId, asset: data.asset, amount: data.amount, requestId: data.requestId ?? data.transferId });
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    ctx.decide(tStream, transfer, { type: 'Reject', id: data.transferId, code: error.code, reason: error.reason, message: error.message });
    return;
  }
  ctx.decide(tStream, transfer, { type: 'Accept', id: data.transferId });
}

// --------------------------------------------------------------------------------- placement

async function onOrderPlaced(ctx: Ctx, placed: OrderPlacedData): Promise<void> {
  const instrument = instrumentOf(ctx, placed.symbol);
  const oStream = streams.order(placed.orderId);
  const pStream = positionStream(placed.userId, placed.symbol);
  const insured = placed.userId === INSURANCE_USER_ID;
  const aStream = insured ? undefined : streams.account(placed.userId);
  ctx.adoptLive(order);
  await ctx.load(oStream, order);
  await ctx.load(pStream, position);
  if (aStream) await ctx.load(aStream, account);
  const o = ctx.state<OrderState>(oStream, order);
  if (o.status !== 'PENDING') return completePlacement(ctx, placed, instrument, o);

  const positionOrder = { userId: placed.userId, instrument, orderId: placed.orderId };
  try {
    ctx.decide(pStream, position, { type: 'ReserveForOrder', ...positionOrder, side: placed.side, qty: placed.qty, reduceOnly: placed.reduceOnly });
  } catch (error) {
    if (isDomainError(error, 'FAILED_PRECONDITION') && error.reason === 'REDUCE_ONLY_WOULD_OPEN') {
      ctx.decide(oStream, order, { type: 'RejectOrder', orderId: placed.orderId, reason: 'REDUCE_ONLY_WOULD_OPEN' });
      return;
    }
    throw error;
  }
  const p = ctx.state<PositionState>(pStream, position);
  const intent = recordedIntent(p, placed.orderId);
  if (!intent) throw new DomainInvariantError(`order ${placed.orderId} is PENDING but its position no longer knows it`);
  const leverage = insured ? 1 : effectiveLeverage(p, instrument);
  const price = freezePrice(placed, ctx.memory.marks[placed.symbol], instrument);
  let frozen = { margin: '0', fee: '0' };
  let rejection: RejectReason | undefined;
  const opens = dec(intent.openQty).greaterThan(0);
  if (opens && insured) throw new DomainInvariantError(`insurance order ${placed.orderId} would open ${intent.openQty}`);
  const a = aStream ? ctx.state<AccountState>(aStream, account) : undefined;
  if (opens && a && deficitOf(a, instrument.quoteAsset).greaterThan(0)) rejection = 'ACCOUNT_IN_DEFICIT';
  // a MARKET order needs the mark even to close: its protected price is its limit in the book
  else if ('rejected' in price) rejection = price.rejected;
  else if (opens && aStream) {
    frozen = freezeAmounts(price.price, intent.openQty, leverage, instrument);
    const [result] = ctx.decide<{ type: string; key: string; data: { reason?: RejectReason } }>(aStream, account, {
      type: 'FreezeFunds', userId: placed.userId, orderId: placed.orderId, symbol: placed.symbol, asset: instrument.quoteAsset,
      openQty: intent.openQty, margin: frozen.margin, fee: frozen.fee,
    });
    if (result?.type === 'FundsFreezeFailed') rejection = result.data.reason;
    else if (result === undefined) rejection = await earlierFreezeFailure(ctx, aStream, placed.orderId);
  }
  if (rejection) {
    ctx.decide(oStream, order, { type: 'RejectOrder', orderId: placed.orderId, reason: rejection });
    ctx.decide(pStream, position, { type: 'ReleaseReservation', ...positionOrder });
    return;
  }
  if ('rejected' in price) throw new DomainInvariantError('unreachable: a missing mark rejects the order');
  const freezeAt = price.price;
  ctx.decide(oStream, order, {
    type: 'AcceptOrder', orderId: placed.orderId, intent: intent.intent, closeQty: intent.closeQty, openQty: intent.openQty, leverage,
    protectedPrice: price.protectedPrice, frozenMargin: frozen.margin, frozenFee: frozen.fee,
  });
  return completePlacement(ctx, placed, instrument, ctx.state<OrderState>(oStream, order), freezeAt);
}

/**
 * A freeze that returned nothing was decided before (a redelivery): the account either holds
 * the order's funds or recorded why it could not.
 */
async function earlierFreezeFailure(ctx: Ctx, aStream: string, orderId: string): Promise<RejectReason | undefined> {
  if (ctx.state<AccountState>(aStream, account).openOrders[orderId]) return undefined;
  const [failed] = await ctx.findBack(aStream, (e) => e.type === 'FundsFreezeFailed' && e.data['orderId'] === orderId, () => false);
  if (!failed) throw new DomainInvariantError(`order ${orderId}: the account neither froze nor refused its funds`);
  return failed.data['reason'] as RejectReason;
}

/** After the order's decision: the position tracks an accepted order, forgets a rejected one. */
function completePlacement(ctx: Ctx, placed: OrderPlacedData, instrument: Instrument, o: OrderState, freezeAt?: string): Promise<void> | void {
  const pStream = positionStream(placed.userId, placed.symbol);
  const tracked = ctx.state<PositionState>(pStream, position).orders[placed.orderId];
  const positionOrder = { userId: placed.userId, instrument, orderId: placed.orderId };
  if (o.status === 'REJECTED') {
    if (tracked && !tracked.accepted) ctx.decide(pStream, position, { type: 'ReleaseReservation', ...positionOrder });
    return;
  }
  const accepted = o.accepted;
  if (!accepted) throw new DomainInvariantError(`order ${placed.orderId} is ${o.status} without an acceptance`);
  if (tracked && !tracked.accepted) {
    ctx.decide(pStream, position, {
      type: 'TrackAcceptedOrder', ...positionOrder, side: placed.side, openQty: accepted.openQty, frozenMargin: accepted.frozenMargin,
      frozenFee: accepted.frozenFee, leverage: accepted.leverage, price: freezeAt ?? accepted.protectedPrice ?? placed.price!,
    });
  }
  if (accepted.cancelledAtAcceptance) return releaseLocks(ctx, placed.userId, placed.symbol, placed.orderId);
}

// --------------------------------------------------------------------------------- fills

async function onTrade(ctx: Ctx, trade: TradeExecutedData): Promise<void> {
  const instrument = instrumentOf(ctx, trade.symbol);
  ctx.memory = { ...ctx.memory, marks: { ...ctx.memory.marks, [trade.symbol]: trade.price } };
  for (const leg of legsOf(trade)) await settleLeg(ctx, trade, leg, instrument);
}

async function settleLeg(ctx: Ctx, trade: TradeExecutedData, leg: Leg, instrument: Instrument): Promise<void> {
  const insured = leg.userId === INSURANCE_USER_ID;
  const pStream = positionStream(leg.userId, trade.symbol);
  const oStream = streams.order(leg.orderId);
  const aStream = insured ? streams.insurance(instrument.quoteAsset) : streams.account(leg.userId);
  await ctx.load(pStream, position);
  await ctx.load(oStream, order);
  await ctx.load(aStream, insured ? insurance : account);
  let events: PositionEvent[] = ctx.decide<PositionEvent>(pStream, position, {
    type: 'SettleFillLeg', userId: leg.userId, instrument, tradeId: trade.tradeId, seq: trade.seq, orderId: leg.orderId,
    side: leg.side, price: trade.price, qty: trade.qty, liquidity: leg.liquidity,
  });
  const o = ctx.state<OrderState>(oStream, order);
  const orderHasFill = o.fills.some(([tradeId]) => tradeId === trade.tradeId);
  if (events.length === 0) {
    // the position settled this leg before: finish what a crash may have left undone
    const accountBehind = insured || (ctx.state<AccountState>(aStream, account).settled[trade.symbol]?.seq ?? -1) < trade.seq;
    if (!accountBehind && orderHasFill) return endIfDone(ctx, leg, trade.symbol);
    // the position's legs are in seq order: what precedes this leg ends the search. The
    // insurance fund forgets old keys, so for it only a recent leg (what a crash leaves) counts.
    const found = insured
      ? (await ctx.readBack(pStream, READ_BACK_EVENTS)).filter((e) => e.data['tradeId'] === trade.tradeId)
      : await ctx.findBack(pStream, (e) => e.data['tradeId'] === trade.tradeId, (e) => typeof e.data['seq'] === 'number' && (e.data['seq'] as number) < trade.seq);
    events = legEventsOf(recordedAsDomain(found), trade.tradeId) as unknown as PositionEvent[];
    if (events.length === 0) {
      if (insured) return endIfDone(ctx, leg, trade.symbol);
      throw new DomainInvariantError(`leg ${trade.tradeId} of ${leg.orderId}: settled by the position, missing downstream and not found in its recent events`);
    }
  }
  const fee = legFee(events as never);
  if (insured) {
    ctx.decide(aStream, insurance, { type: 'PayInsuranceFee', asset: instrument.quoteAsset, tradeId: trade.tradeId, fee });
    ctx.decide(aStream, insurance, { type: 'RealizeInsurancePnl', asset: instrument.quoteAsset, key: `${trade.tradeId}:PNL`, amount: legRealizedPnl(events as never) });
  } else {
    ctx.decide(aStream, account, { type: 'SettleTradeLeg', userId: leg.userId, asset: instrument.quoteAsset, effects: events.map((e) => ({ type: e.type, key: e.key, data: e.data as unknown as Record<string, unknown> })) });
  }
  if (!orderHasFill) {
    ctx.decide(oStream, order, { type: 'RecordFill', orderId: leg.orderId, tradeId: trade.tradeId, qty: trade.qty, price: trade.price, fee, liquidity: leg.liquidity });
  }
  return endIfDone(ctx, leg, trade.symbol);
}

function endIfDone(ctx: Ctx, leg: Leg, symbol: string): Promise<void> | void {
  if (isOrderEnded(leg)) return releaseLocks(ctx, leg.userId, symbol, leg.orderId);
}

/** Recorded events of a stream, newest first, as decider events (key from the metadata). */
function recordedAsDomain(events: readonly RecordedEvent[]): Array<{ type: string; key: string; data: Record<string, unknown> }> {
  return events.map((e) => ({ type: e.type, key: String(e.metadata.idempotencyKey ?? ''), data: e.data })).reverse();
}

// --------------------------------------------------------------------------------- order end

async function onBookEnd(ctx: Ctx, event: RecordedEvent): Promise<void> {
  const orderId = event.data['orderId'] as string;
  const oStream = streams.order(orderId);
  await ctx.load(oStream, order);
  const o = ctx.state<OrderState>(oStream, order);
  if (!o.placed) throw new DomainInvariantError(`the book ended unknown order ${orderId}`);
  if (event.type === 'OrderCancelledInBook') ctx.decide(oStream, order, { type: 'EndOrder', orderId, outcome: 'CANCELLED' });
  else ctx.decide(oStream, order, { type: 'EndOrder', orderId, outcome: 'EXPIRED', reason: event.data['reason'] as ExpireReason });
  return releaseLocks(ctx, o.placed.userId, o.placed.symbol, orderId);
}

/**
 * The order ended: the position (all earlier legs settled — log order) releases what the order
 * still holds, and the account unfreezes exactly that.
 */
async function releaseLocks(ctx: Ctx, userId: string, symbol: string, orderId: string): Promise<void> {
  const instrument = instrumentOf(ctx, symbol);
  const pStream = positionStream(userId, symbol);
  await ctx.load(pStream, position);
  const insured = userId === INSURANCE_USER_ID;
  const aStream = streams.account(userId);
  if (!insured) await ctx.load(aStream, account);
  let released: { unfreezeMargin: string; unfreezeFee: string } | undefined;
  if (ctx.state<PositionState>(pStream, position).orders[orderId]) {
    const [event] = ctx.decide<PositionEvent>(pStream, position, { type: 'EndOrder', userId, instrument, orderId });
    if (event?.type === 'OrderLocksReleased') released = event.data;
  } else if (!insured && ctx.state<AccountState>(aStream, account).openOrders[orderId]) {
    // the order's own reservation ends the search: its release comes after it
    const [event] = await ctx.findBack(pStream, (e) => e.type === 'OrderLocksReleased' && e.data['orderId'] === orderId, (e) => e.type === 'PositionReserved' && e.data['orderId'] === orderId);
    if (!event) throw new DomainInvariantError(`order ${orderId} holds funds at the account but its position released nothing recently`);
    released = event.data as { unfreezeMargin: string; unfreezeFee: string };
  }
  if (!released || insured) return;
  ctx.decide(aStream, account, { type: 'UnfreezeFunds', userId, orderId, asset: instrument.quoteAsset, margin: released.unfreezeMargin, fee: released.unfreezeFee });
}

// --------------------------------------------------------------------------------- liquidation

async function onPositionRequest(ctx: Ctx, rStream: string, d: PositionRequestedData): Promise<void> {
  await ctx.load(rStream, positionRequest);
  // decided before (even long ago, when the position may have forgotten the request id)
  if (ctx.state<PositionRequestState>(rStream, positionRequest).outcome !== undefined) return;
  const instrument = instrumentOf(ctx, d.symbol);
  const pStream = positionStream(d.userId, d.symbol);
  await ctx.load(pStream, position);
  let liquidated: PositionEvent | undefined;
  try {
    if (d.kind === 'SET_LEVERAGE') ctx.decide(pStream, position, { type: 'SetLeverage', requestId: d.requestId, userId: d.userId, instrument, leverage: d.leverage });
    else [liquidated] = ctx.decide<PositionEvent>(pStream, position, { type: 'Liquidate', requestId: d.requestId, userId: d.userId, instrument, price: d.price });
  } catch (error) {
    // only the position's refusal is the request's answer; anything later is a bug
    if (!(error instanceof DomainError)) throw error;
    ctx.decide(rStream, positionRequest, { type: 'Reject', id: d.requestId, code: error.code, reason: error.reason, message: error.message });
    return;
  }
  if (d.kind === 'LIQUIDATE') {
    if (!liquidated) {
      // liquidated before a crash cut the rest short: finish from what the position recorded
      const [found] = await ctx.findBack(pStream, (e) => e.type === 'PositionLiquidated' && e.data['requestId'] === d.requestId, () => false);
      if (!found) throw new DomainInvariantError(`liquidation ${d.requestId} answered nothing and is not in ${pStream}`);
      liquidated = recordedAsDomain([found])[0] as unknown as PositionEvent;
    }
    if (liquidated.type !== 'PositionLiquidated') throw new DomainInvariantError(`liquidation ${d.requestId} answered ${liquidated.type}`);
    await settleLiquidation(ctx, liquidated.data);
  }
  ctx.decide(rStream, positionRequest, { type: 'Accept', id: d.requestId });
}

async function settleLiquidation(ctx: Ctx, d: { userId: string; symbol: string; requestId: string; side: 'LONG' | 'SHORT'; price: string; qty: string; marginReleased: string; realizedPnl: string }): Promise<void> {
  const instrument = instrumentOf(ctx, d.symbol);
  const asset = instrument.quoteAsset;
  const aStream = streams.account(d.userId);
  const ipStream = streams.insurancePosition(d.symbol);
  const iStream = streams.insurance(asset);
  await ctx.load(aStream, account);
  await ctx.load(ipStream, position);
  await ctx.load(iStream, insurance);
  ctx.decide(aStream, account, { type: 'SettleLiquidation', userId: d.userId, symbol: d.symbol, asset, requestId: d.requestId, marginReleased: d.marginReleased, realizedPnl: d.realizedPnl });
  let taken: PositionEvent | undefined = ctx.decide<PositionEvent>(ipStream, position, { type: 'TransferIn', requestId: d.requestId, instrument, fromUserId: d.userId, side: d.side, qty: d.qty, price: d.price })[0];
  if (!taken) {
    const recent = recordedAsDomain(await ctx.readBack(ipStream, READ_BACK_EVENTS));
    taken = recent.find((e) => e.type === 'PositionTransferredIn' && e.data['requestId'] === d.requestId) as PositionEvent | undefined;
    // not among the recent ones: taken over long ago, and its PnL posted in the same step
    if (!taken) return;
  }
  if (taken.type !== 'PositionTransferredIn') throw new DomainInvariantError(`take-over ${d.requestId} answered ${taken.type}`);
  ctx.decide(iStream, insurance, { type: 'RealizeInsurancePnl', asset, key: d.requestId, amount: taken.data.realizedPnl });
}
