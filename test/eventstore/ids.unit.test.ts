import test from 'ava';
import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import { EXCHANGE_NAMESPACE, deterministicEventId, deterministicId, orderIdFor } from '../../eventstore/ids.js';

/** the reference: what the ids were before they were computed with node:crypto directly */
function reference(name: string): string | Error {
  try {
    return uuidv5(name, EXCHANGE_NAMESPACE);
  } catch (error) {
    return error as Error;
  }
}

function ours(compute: () => string): string | Error {
  try {
    return compute();
  } catch (error) {
    return error as Error;
  }
}

function sameOutcome(t: { deepEqual(a: unknown, b: unknown): void; is(a: unknown, b: unknown): void }, actual: string | Error, expected: string | Error): void {
  if (expected instanceof Error) {
    t.is((actual as Error).constructor, expected.constructor);
  } else {
    t.is(actual, expected);
  }
}

test('event ids are the uuid package v5 ids over arbitrary text (ASCII, BMP, astral, lone surrogates)', (t) => {
  const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii', maxLength: 3000 }));
  fc.assert(
    fc.property(text, text, fc.nat(1000), (stream, key, index) => {
      const name = `${stream}\u0000${key}\u0000${index}`;
      sameOutcome(t, ours(() => deterministicEventId(stream, key, index)), reference(name));
    }),
    { numRuns: 3000 },
  );
});

test('order ids and composite ids are the uuid package v5 ids', (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (user, clientOrderId) => {
      sameOutcome(t, ours(() => orderIdFor(user, clientOrderId)), reference(`order\u0000${user}\u0000${clientOrderId}`));
      sameOutcome(t, ours(() => deterministicId(user, clientOrderId, 'x')), reference(`${user}\u0000${clientOrderId}\u0000x`));
    }),
    { numRuns: 2000 },
  );
});

test('long names (beyond the scratch buffer) and known ids', (t) => {
  const long = 'é'.repeat(5000) + '😀'.repeat(700);
  t.is(deterministicId(long), uuidv5(long, EXCHANGE_NAMESPACE));
  t.is(deterministicId('a'), uuidv5('a', EXCHANGE_NAMESPACE));
  t.is(deterministicId(''), uuidv5('', EXCHANGE_NAMESPACE));
  // lone surrogates are not valid UTF-8: rejected as before, never hashed as U+FFFD
  t.throws(() => deterministicId('a\uD800b'), { instanceOf: URIError });
  t.regex(deterministicEventId('position-u1-BTC-PERP', 'fill:1', 0), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
