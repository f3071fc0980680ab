import test from 'ava';
import fc from 'fast-check';
import { OrderIdIndex } from '../../matching/book/id-index.js';

test('the id index behaves like a Map under any insert/remove/get sequence (growth, wrap-around, big ids)', (t) => {
  const idArb = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    fc.constantFrom(2 ** 32, 2 ** 32 + 1, 2 ** 33, Number.MAX_SAFE_INTEGER));
  const opArb = fc.tuple(fc.constantFrom('insert', 'remove', 'get'), idArb);
  fc.assert(fc.property(fc.array(opArb, { maxLength: 400 }), (ops) => {
    const index = new OrderIdIndex(1);
    const model = new Map<number, number>();
    let node = 0;
    for (const [op, id] of ops) {
      if (op === 'insert') {
        if (model.has(id)) continue;
        index.insert(id, node);
        model.set(id, node++);
      } else if (op === 'remove') {
        const got = index.remove(id);
        if (got !== (model.get(id) ?? -1)) throw new Error(`remove(${id}) = ${got}`);
        model.delete(id);
      } else if (index.get(id) !== (model.get(id) ?? -1)) {
        throw new Error(`get(${id}) = ${index.get(id)}`);
      }
      if (index.size() !== model.size) throw new Error(`size ${index.size()} != ${model.size}`);
    }
    for (const [id, n] of model) if (index.get(id) !== n) throw new Error(`final get(${id})`);
  }), { numRuns: 300, seed: 42 });
  t.pass();
});

test('ids that differ only above 2^32 are distinct keys', (t) => {
  const index = new OrderIdIndex(16);
  index.insert(5, 1);
  index.insert(5 + 2 ** 32, 2);
  t.is(index.get(5), 1);
  t.is(index.get(5 + 2 ** 32), 2);
  t.is(index.remove(5), 1);
  t.is(index.get(5), -1);
  t.is(index.get(5 + 2 ** 32), 2);
});
