import test from 'ava';
import fc from 'fast-check';
import type { RecordedEvent } from '../../eventstore/port.js';
import { INSURANCE_USER_ID } from '../../domain/position/types.js';
import { QuiescenceTracker } from '../../scripts/replay/quiescence.js';
import { ReferenceQuiescenceTracker } from './support/quiescenceReference.js';

/**
 * The quiescence tracker against the one-map version it replaced: after every event of generated
 * logs (causes and consequences in any order, missing, repeated), the same quiescent flag and
 * position, and the same pending list in the same order.
 */

const orderId = fc.constantFrom('o1', 'o2', 'o3');
const userId = fc.constantFrom('u1', 'u2', INSURANCE_USER_ID);
const tradeId = fc.constantFrom('T:1', 'T:2');
const amount = fc.constantFrom('0', '0.5', '1', '0.00000001', '2.000000001', '-0.5');

const eventArb = fc.oneof(
  fc.record({ type: fc.constantFrom('OrderPlaced', 'OrderRejected', 'PositionReserved', 'PositionOrderTracked', 'PositionReservationReleased', 'OrderCancelledInBook', 'OrderExpiredInBook', 'OrderCancelled', 'OrderExpired'), data: fc.record({ orderId }) }),
  fc.record({ type: fc.constant('OrderAccepted'), data: fc.record({ orderId, cancelledAtAcceptance: fc.boolean() }) }),
  fc.record({ type: fc.constant('TradeExecuted'), data: fc.record({ tradeId, maker: fc.record({ orderId, remaining: amount }), taker: fc.record({ orderId, remaining: amount }) }) }),
  fc.record({ type: fc.constantFrom('OrderPartiallyFilled', 'OrderFilled'), data: fc.record({ tradeId, orderId }) }),
  fc.record({ type: fc.constant('OrderLocksReleased'), data: fc.record({ userId, orderId, unfreezeMargin: amount, unfreezeFee: amount }) }),
  fc.record({ type: fc.constantFrom('FundsFrozen', 'FundsUnfrozen'), data: fc.record({ userId, orderId }) }),
  fc.record({ type: fc.constantFrom('PositionLiquidated', 'LiquidationSettled'), data: fc.record({ requestId: fc.constantFrom('r1', 'r2') }) }),
  fc.record({ type: fc.constant('PositionTransferredIn'), data: fc.record({ requestId: fc.constantFrom('r1', 'r2'), realizedPnl: amount }) }),
  fc.record({ type: fc.constant('TransferRecorded'), data: fc.record({ kind: fc.constantFrom('DEPOSIT', 'WITHDRAWAL'), transferId: fc.constantFrom('x1', 'x2') }) }),
  fc.record({ type: fc.constant('FundsDeposited'), data: fc.record({ txId: fc.constantFrom('x1', 'x2') }) }),
  fc.record({ type: fc.constant('InsuranceFeePaid'), data: fc.record({ tradeId, fee: amount }) }),
  fc.record({ type: fc.constant('InsurancePnlRealized'), data: fc.record({ key: fc.constantFrom('T:1:CLOSE', 'r1', 'T:2:x'), amount }) }),
  fc.record({ type: fc.constantFrom('PositionMarginReleased', 'PositionIncreased', 'PositionCloseToOpenCompensation'), data: fc.record({ tradeId, orderId, userId, fee: amount, realizedPnl: amount }) }),
  fc.record({ type: fc.constantFrom('TradeMarginSettled', 'ReleasedMarginCredited', 'CloseToOpenCompensated'), data: fc.record({ userId }) }),
);

const logArb = fc.array(fc.tuple(eventArb, fc.constantFrom('T:1:OPEN', 'T:1:CLOSE', 'T:2:OPEN')), { maxLength: 40 }).map((xs) =>
  xs.map(([e, key], i): RecordedEvent => ({ id: `e${i}`, type: e.type, stream: 's', revision: i, position: String(i + 1), data: e.data as Record<string, unknown>, metadata: { idempotencyKey: key }, created: '' }) as RecordedEvent),
);

function outcome<T>(f: () => T): { value: T } | { error: string } {
  try {
    return { value: f() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

test('per-kind obligations: the same quiescence and pending list as the one-map tracker, event by event', (t) => {
  fc.assert(
    fc.property(logArb, (log) => {
      const tracker = new QuiescenceTracker();
      const reference = new ReferenceQuiescenceTracker();
      for (const e of log) {
        const a = outcome(() => tracker.apply(e));
        const b = outcome(() => reference.apply(e));
        if (JSON.stringify(a) !== JSON.stringify(b)) return false;
        if (tracker.quiescent !== reference.quiescent || tracker.quiescentPosition !== reference.quiescentPosition) return false;
        // JSON: the same values, key order included (reports print them)
        if (JSON.stringify(tracker.pending()) !== JSON.stringify(reference.pending())) return false;
      }
      return true;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});
