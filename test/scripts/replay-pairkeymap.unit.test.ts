import test from 'ava';
import fc from 'fast-check';
import { PairKeyMap } from '../../scripts/replay/pairKeyMap.js';

test('PairKeyMap behaves as a Map keyed by `${a} ${b}`: values, collisions of spaced parts, insertion order', (t) => {
  const part = fc.constantFrom('a', 'b', 'a b', 'b c', 'c', '', ' ', 'a ', ' b', 'x');
  fc.assert(
    fc.property(fc.array(fc.tuple(part, part, fc.nat(9), fc.boolean()), { maxLength: 80 }), (ops) => {
      const map = new PairKeyMap<number>();
      const reference = new Map<string, number>();
      for (const [a, b, v, write] of ops) {
        if (map.get(a, b) !== reference.get(`${a} ${b}`)) return false;
        if (write) {
          map.set(a, b, v);
          reference.set(`${a} ${b}`, v);
        }
      }
      return map.size === reference.size && JSON.stringify([...map.entries()]) === JSON.stringify([...reference.entries()]);
    }),
    { numRuns: 2000 },
  );
  const m = new PairKeyMap<string>();
  m.set('a b', 'c', 'first');
  t.is(m.get('a', 'b c'), 'first');
  m.set('a', 'b c', 'second');
  t.is(m.size, 1);
  t.deepEqual([...m.entries()], [['a b c', 'second']]);
});
