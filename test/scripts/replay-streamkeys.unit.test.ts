import test from 'ava';
import fc from 'fast-check';
import { StreamKeys } from '../../scripts/replay/streamKeys.js';

test('StreamKeys answers as a map per stream of key → latest append, across growth and for look-alike keys', (t) => {
  const key = fc.oneof(fc.constantFrom('k', 'K', 'k ', 'BTC-PERP:1:OPEN', 'BTC-PERP:1:CLOSE', '', 'é', 'e\u0301'), fc.string({ maxLength: 12 }));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(40), key, fc.nat(5)), { maxLength: 2500 }), (ops) => {
      const table = new StreamKeys();
      const reference = new Map<number, Map<string, number>>();
      for (const [stream, k, append] of ops) {
        const byKey = reference.get(stream) ?? new Map<string, number>();
        reference.set(stream, byKey);
        const expected = byKey.get(k) ?? -1;
        byKey.set(k, append);
        if (table.swap(stream, k, append) !== expected) return false;
      }
      return true;
    }),
    { numRuns: 200 },
  );
  t.pass();
});

test('StreamKeys: the same key in different streams is different; 200k keys', (t) => {
  const table = new StreamKeys();
  for (let i = 0; i < 100_000; i++) t.is(table.swap(i % 97, `key-${i}`, 0), -1);
  for (let i = 0; i < 100_000; i++) t.is(table.swap((i % 97) + 1, `key-${i}`, 1), -1);
  for (let i = 0; i < 100_000; i += 997) t.is(table.swap(i % 97, `key-${i}`, 2), 0);
  for (let i = 0; i < 100_000; i += 997) t.is(table.swap(i % 97, `key-${i}`, 3), 2);
});
