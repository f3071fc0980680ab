import test from 'ava';
import fc from 'fast-check';
import type { RecordedEvent } from '../../eventstore/port.js';
import { INSURANCE_USER_ID } from '../../domain/position/types.js';
import { LogChecks } from '../../scripts/replay/checks.js';
import { ReferenceLogChecks } from './support/checksReference.js';

/**
 * The log checks against the version with a Set of id strings and a Map of keys per stream: the
 * same violations (rules, ids, details, order) on generated logs with repeated ids, gaps, keys
 * applied again in later appends, and legs settled or posted twice.
 */

const uuid = fc.constantFrom('0c5fa1ab-df78-5e9b-8450-2a6d60529ea8', '41b34a11-3377-5fc7-91cc-e1bac35d906a', 'f2d8a2b8-cbcf-573e-a7ae-641d85c31130', 'F2D8A2B8-CBCF-573E-A7AE-641D85C31130', 'e-1', 'e-2');
const stream = fc.constantFrom('position-u1_X', 'account-u1', 'order-o1');
const eventArb = fc.record({
  id: uuid,
  stream,
  revisionDelta: fc.constantFrom(0, 0, 0, 0, 1, -1),
  type: fc.constantFrom('TradeExecuted', 'PositionMarginReleased', 'PositionIncreased', 'PositionCloseToOpenCompensation', 'TradeMarginSettled', 'ReleasedMarginCredited', 'CloseToOpenCompensated', 'OrderPlaced'),
  // ids with spaces: ('a b', 'c') and ('a', 'b c') were one leg, as their joined texts are equal
  tradeId: fc.constantFrom('T:1', 'T:2', 'a', 'a b'),
  orderId: fc.constantFrom('o1', 'o2', 'c', 'b c'),
  userId: fc.constantFrom('u1', 'u2', INSURANCE_USER_ID, 'u', 'u 1'),
  key: fc.option(fc.constantFrom('T:1:OPEN', 'T:1:CLOSE', 'o1:END', '1 T:1:OPEN'), { nil: undefined }),
  causation: fc.constantFrom('c1', 'c2'),
  at: fc.constantFrom('t1', 't2'),
});

test('table-based log checks report exactly what the Set / Map ones did', (t) => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 60 }), (raw) => {
      const next = new Map<string, number>();
      const events = raw.map((e, i): RecordedEvent => {
        const revision = Math.max(0, (next.get(e.stream) ?? 0) + e.revisionDelta);
        next.set(e.stream, revision + 1);
        const data = e.type === 'TradeExecuted'
          ? { tradeId: e.tradeId, maker: { orderId: e.orderId }, taker: { orderId: e.orderId === 'o1' ? 'b c' : 'o1' } }
          : { tradeId: e.tradeId, orderId: e.orderId, userId: e.userId };
        return { id: e.id, type: e.type, stream: e.stream, revision, position: String(i + 1), data, metadata: { $causationId: e.causation, occurredAt: e.at, ...(e.key === undefined ? {} : { idempotencyKey: e.key }) }, created: '' } as RecordedEvent;
      });
      const checks = new LogChecks();
      const reference = new ReferenceLogChecks();
      for (const e of events) {
        checks.apply(e);
        reference.apply(e);
      }
      return JSON.stringify([checks.violations, checks.finish(), checks.streamCount()]) === JSON.stringify([reference.violations, reference.finish(), reference.streamCount()]);
    }),
    { numRuns: 3000 },
  );
  t.pass();
});
