import test from 'ava';
import fc from 'fast-check';
import { evolve } from '../../domain/position/evolve.js';
import { initialState } from '../../domain/position/state.js';
import type { PositionState } from '../../domain/position/types.js';
import { evolveByDecimal } from './support/decimalPositionReference.js';

/**
 * The whole position fold (minor-unit sums, copyState, withEntry / withoutEntry, applyCuts)
 * against the Decimal fold it replaced, on generated event sequences: the same state JSON, the
 * same key order of the state and of its orders, the same refusals (error and message), and no
 * state ever changed once returned (every input is frozen).
 */

const amount: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('1', '0.5', '0.25', '2', '3', '0.00000001', '0') },
  { weight: 2, arbitrary: fc.constantFrom('-0', '-1', '90071992.54740991', '90071992.54740992', '-90071992.54740991', '0.000000001', '1e-7', '1.50', '00.5', '1.000000000', `${'9'.repeat(45)}.12345678`) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('', 'x', '+1', ' 1', undefined, null, 5, 0.1) as fc.Arbitrary<string> },
  {
    weight: 2,
    arbitrary: fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map((u) => {
      const digits = (u < 0n ? -u : u).toString().padStart(9, '0');
      const text = `${digits.slice(0, -8)}.${digits.slice(-8)}`.replace(/\.?0+$/, '') || '0';
      return u < 0n && text !== '0' ? `-${text}` : text;
    }),
  },
);
const orderId = fc.constantFrom('a', 'b', 'c', '__proto__');
const ref = { userId: fc.constantFrom('u', 'v'), symbol: fc.constant('S') };
const leg = { ...ref, orderId, orderSide: fc.constantFrom('BUY', 'SELL'), tradeId: fc.constantFrom('t1', 't2'), seq: fc.nat(5), liquidity: fc.constantFrom('MAKER', 'TAKER'), price: amount, legQty: amount };
const side = fc.constantFrom('LONG', 'SHORT');
const cuts = fc.dictionary(orderId, amount, { maxKeys: 3 });
const event = fc.oneof(
  fc.record({ type: fc.constant('LeverageSet'), data: fc.record({ ...ref, requestId: fc.string({ maxLength: 2 }), leverage: fc.nat(100) }) }),
  fc.record({ type: fc.constant('PositionReserved'), data: fc.record({ ...ref, orderId, side: fc.constantFrom('BUY', 'SELL'), orderQty: amount, reduceOnly: fc.boolean(), intent: fc.constantFrom('INCREASE', 'REDUCE'), closeQty: amount, openQty: amount, qty: amount }) }),
  fc.record({ type: fc.constant('PositionReservationReleased'), data: fc.record({ ...ref, orderId, qty: amount }) }),
  fc.record({ type: fc.constant('PositionOrderTracked'), data: fc.record({ ...ref, orderId, side: fc.constantFrom('BUY', 'SELL'), openQty: amount, frozenMargin: amount, frozenFee: amount, leverage: fc.nat(100), price: amount }) }),
  fc.record({ type: fc.constant('PositionMarginReleased'), data: fc.record({ ...leg, positionSide: side, flip: fc.boolean(), qty: amount, removedCost: amount, realizedPnl: amount, marginReleased: amount, fee: amount, reservationConsumed: amount }) }),
  fc.record({ type: fc.constant('PositionIncreased'), data: fc.record({ ...leg, positionSide: side, flip: fc.boolean(), qty: amount, margin: amount, entryNotional: amount, coveredQtyUsed: amount, frozenMarginUsed: amount, frozenFeeUsed: amount, fee: amount, refund: amount, feeShortfall: amount }) }),
  fc.record({ type: fc.constant('PositionCloseToOpenCompensation'), data: fc.record({ ...leg, positionSide: side, qty: amount, margin: amount, entryNotional: amount, fee: amount }) }),
  fc.record({ type: fc.constant('PositionReservationsCut'), data: fc.record({ ...ref, cause: fc.constant('c'), cuts }) }),
  fc.record({ type: fc.constant('OrderLocksReleased'), data: fc.record({ ...ref, orderId, reservationReleased: amount, unfreezeMargin: amount, unfreezeFee: amount }) }),
  fc.record({ type: fc.constant('PositionLiquidated'), data: fc.record({ ...ref, requestId: fc.constantFrom('r1', 'r2'), side, price: amount, qty: amount, removedCost: amount, realizedPnl: amount, marginReleased: amount, reservationsVoided: cuts }) }),
  fc.record({ type: fc.constant('PositionTransferredIn'), data: fc.record({ ...ref, requestId: fc.constantFrom('r1', 'r2'), fromUserId: fc.constant('f'), side, qty: amount, price: amount, closedQty: amount, removedCost: amount, realizedPnl: amount, openedQty: amount, entryNotional: amount }) }),
);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}

/** the state's JSON, its key order and its orders' key order and prototype */
function shape(s: PositionState): string {
  return [JSON.stringify(s), Object.keys(s).join(), Object.keys(s.orders).join(), String(Object.getPrototypeOf(s.orders) === Object.prototype)].join('|');
}

function step(fold: typeof evolve, state: PositionState, e: { type: string; data: object }): { state: PositionState; seen: string } {
  try {
    const next = fold(state, e);
    return { state: next, seen: shape(next) };
  } catch (error) {
    return { state, seen: `throws ${(error as Error).name}: ${(error as Error).message}` };
  }
}

test('the position fold gives the Decimal fold its states, key orders and refusals, and changes no state it was given', (t) => {
  fc.assert(
    fc.property(fc.array(event, { maxLength: 30 }), (events) => {
      let exact: PositionState = deepFreeze(initialState());
      let reference: PositionState = initialState();
      for (const e of events) {
        const before = JSON.stringify(exact);
        const got = step(evolve, exact, e);
        const want = step(evolveByDecimal, reference, e);
        if (got.seen !== want.seen) throw new Error(`${e.type} ${JSON.stringify(e.data)}\n  exact:   ${got.seen}\n  decimal: ${want.seen}`);
        if (JSON.stringify(exact) !== before) throw new Error(`${e.type} changed the state it was given`);
        exact = deepFreeze(got.state);
        reference = want.state;
      }
    }),
    { numRuns: 2000 },
  );
  t.pass();
});
