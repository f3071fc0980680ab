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
