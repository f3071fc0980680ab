import test from 'ava';
import fc from 'fast-check';
import { withEntry, withoutEntry } from '../../domain/shared/records.js';

/** keys of every kind: ids, index-like keys (enumerated first, ascending), names of Object.prototype members */
const key = fc.oneof(fc.uuid(), fc.constantFrom('0', '1', '10', '2', 'a', 'b', 'toString', 'constructor', '__proto__x', ''), fc.string({ maxLength: 4 }));

test('withEntry / withoutEntry are the spread and the delete: same keys in the same order, same values, same prototype, a new object', (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), key, fc.integer()), { maxLength: 30 }), (steps) => {
      let record: Record<string, number> = {};
      let plain: Record<string, number> = {};
      for (const [add, k, v] of steps) {
        const before = record;
        if (add) {
          record = withEntry(record, k, v);
          plain = { ...plain, [k]: v };
        } else {
          record = withoutEntry(record, k);
          plain = { ...plain };
          delete plain[k];
        }
        t.not(record, before);
        t.is(Object.getPrototypeOf(record), Object.prototype);
        t.deepEqual(Object.keys(record), Object.keys(plain));
        t.is(JSON.stringify(record), JSON.stringify(plain));
      }
    }),
    { numRuns: 500 },
  );
});

test('an id "__proto__" is an own key, as the spread and the computed key make it (event ids are only JSON-validated): never the prototype', (t) => {
  const value = { margin: '1' } as unknown as number;
  const added = withEntry({ a: 1 }, '__proto__', value);
  const plain: Record<string, number> = { ...{ a: 1 }, ['__proto__']: value };
  t.is(Object.getPrototypeOf(added), Object.prototype);
  t.deepEqual(Object.keys(added), Object.keys(plain));
  t.is(JSON.stringify(added), JSON.stringify(plain));
  t.true(Object.prototype.hasOwnProperty.call(added, '__proto__'));
  // copied on by later updates, and removed by its own
  const next = withEntry(added, 'b', 2);
  t.deepEqual(Object.keys(next), ['a', '__proto__', 'b']);
  t.is(Object.getPrototypeOf(next), Object.prototype);
  t.is(JSON.stringify(next), JSON.stringify({ ...plain, b: 2 }));
  const rest = { ...next };
  delete rest['__proto__'];
  t.is(JSON.stringify(withoutEntry(next, '__proto__')), JSON.stringify(rest));
  t.is(Object.getPrototypeOf(withoutEntry(next, 'a')), Object.prototype);
  t.deepEqual(Object.keys(withoutEntry(next, 'a')), ['__proto__', 'b']);
});
