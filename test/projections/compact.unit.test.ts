/**
 * Batch compaction (projections/store/compact.ts): random batches applied as they come and
 * compacted give the same outcome (applied, or the same typed error) and the same model, and the
 * caller's ops are left untouched. Repeated writes of one key do shrink to one op.
 */
import test from 'ava';
import fc from 'fast-check';
import { compactBatch } from '../../projections/store/compact.js';
import { Deferred } from '../../projections/store/deferred.js';
import { createMemoryReadStore } from '../../projections/store/memory.js';
import { write as w } from '../../projections/store/ops.js';
import type { ReadStore, WriteOp } from '../../projections/store/port.js';

const RUNS = Number(process.env.COMPACT_RUNS ?? 300);

const KEYS = ['a', 'b', 'c'];
const key = fc.constantFrom(...KEYS);
const text = fc.constantFrom('', '0', '1.5', 'x', 'é');
const member = fc.constantFrom('m1', 'm2', 'm3', '00000000000000000010:e');
const op: fc.Arbitrary<WriteOp> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key, value: text }),
  fc.record({ op: fc.constant('del' as const), key }),
  fc.record({ op: fc.constant('hset' as const), key, fields: fc.dictionary(fc.constantFrom('f1', 'f2', 'f3'), text, { maxKeys: 3 }) }),
  fc.record({ op: fc.constant('hdel' as const), key, fields: fc.array(fc.constantFrom('f1', 'f2', 'f3'), { maxLength: 2 }) }),
  fc.record({ op: fc.constant('zadd' as const), key, entries: fc.array(fc.record({ score: fc.integer({ min: -3, max: 3 }), member }), { maxLength: 3 }) }),
  fc.record({ op: fc.constant('zrem' as const), key, members: fc.array(member, { maxLength: 2 }) }),
  fc.record({ op: fc.constant('ztrim' as const), key, keepNewest: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant('sadd' as const), key, members: fc.array(member, { maxLength: 3 }) }),
  fc.record({ op: fc.constant('srem' as const), key, members: fc.array(member, { maxLength: 2 }) }),
);

async function outcome(store: ReadStore, ops: WriteOp[], position: string): Promise<string> {
  try {
    const result = await store.applyBatch('p', 1, ops, position);
    return `applied=${result.applied}`;
  } catch (error) {
    const e = error as Error & { key?: string; holds?: string; op?: string };
    return `${e.name} ${e.key ?? ''} ${e.holds ?? ''}`;
  }
}

test('a compacted batch has the effect and the type-rule outcome of the batch as it came', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(op, { maxLength: 12 }), { minLength: 1, maxLength: 4 }), async (batches) => {
      const plain = createMemoryReadStore();
      const compacted = createMemoryReadStore();
      let position = 0;
      for (const batch of batches) {
        position += 1;
        const before = JSON.stringify(batch);
        const compact = compactBatch(batch);
        if (JSON.stringify(batch) !== before) return false;
        if (compact.length > batch.length) return false;
        if ((await outcome(plain, batch, String(position))) !== (await outcome(compacted, compact, String(position)))) return false;
      }
      return JSON.stringify(await plain.exportVersion('p', 1)) === JSON.stringify(await compacted.exportVersion('p', 1));
    }),
    { numRuns: RUNS },
  );
  t.pass();
});

test('repeated writes of one key become one op; other kinds and other keys keep their order', (t) => {
  const ops = [
    w.hset('acct', { USDT: '1' }), w.zadd('journal', 0, 'e1'), w.hset('acct', { USDT: '2', BTC: '1' }), w.zadd('journal', 0, 'e2'),
    w.sadd('open', 'o1'), w.srem('open', 'o1'), w.sadd('open', 'o2'), w.hset('acct', { USDT: '3' }),
  ];
  t.deepEqual(compactBatch(ops), [
    { op: 'hset', key: 'acct', fields: { USDT: '3', BTC: '1' } },
    { op: 'zadd', key: 'journal', entries: [{ score: 0, member: 'e1' }, { score: 0, member: 'e2' }] },
    w.sadd('open', 'o1'), w.srem('open', 'o1'), w.sadd('open', 'o2'),
  ]);
  t.deepEqual(ops[0], w.hset('acct', { USDT: '1' }), 'the caller’s op is not changed');
});

test('deferred field values: only those kept after merging are rendered, the kept ops carry strings, the caller\'s ops are unchanged', (t) => {
  const rendered: string[] = [];
  const deferred = (label: string) => new Deferred(label, (v) => (rendered.push(v), `json:${v}`));
  const first = w.hsetDeferred('position:a', { userId: 'a', state: deferred('a1') });
  const ops = [
    first, w.zadd('journal', 0, 'e1'), w.hsetDeferred('position:b', { state: deferred('b1') }),
    w.hsetDeferred('position:a', { state: deferred('a2') }), w.hdel('position:b', 'x'), w.hsetDeferred('position:b', { state: deferred('b2') }),
    w.hsetDeferred('position:a', { state: deferred('a3') }), w.hset('position:c', { userId: 'c' }), w.hsetDeferred('position:c', { state: deferred('c1') }),
  ];
  t.deepEqual(compactBatch(ops), [
    { op: 'hset', key: 'position:a', fields: { userId: 'a', state: 'json:a3' } },
    w.zadd('journal', 0, 'e1'),
    { op: 'hset', key: 'position:b', fields: { state: 'json:b1' } },
    w.hdel('position:b', 'x'),
    { op: 'hset', key: 'position:b', fields: { state: 'json:b2' } },
    { op: 'hset', key: 'position:c', fields: { userId: 'c', state: 'json:c1' } },
  ]);
  t.deepEqual(rendered.sort(), ['a3', 'b1', 'b2', 'c1'], 'a value overwritten in the batch is never rendered');
  t.true(first.op === 'hset' && first.fields['state'] instanceof Deferred, 'the caller’s op keeps its deferred value');
});

test('a batch with deferred values compacts and applies as the batch of their texts', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(op, { maxLength: 12 }), { minLength: 1, maxLength: 4 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), async (batches, defer) => {
      const texts = createMemoryReadStore();
      const deferredStore = createMemoryReadStore();
      let position = 0;
      let n = 0;
      for (const batch of batches) {
        position += 1;
        const withDeferred = batch.map((o): WriteOp => {
          if (o.op !== 'hset') return o;
          const fields: Record<string, string | Deferred<string>> = {};
          let anyDeferred = false;
          for (const [f, v] of Object.entries(o.fields)) {
            const later = defer[n++ % defer.length]!;
            anyDeferred ||= later;
            fields[f] = later ? new Deferred(v as string, (x) => x) : v;
          }
          // plain and deferred hsets of one key mix in a batch (merged: the mark must carry over)
          return anyDeferred ? { op: 'hset', key: o.key, fields, deferred: true } : o;
        });
        if ((await outcome(texts, batch, String(position))) !== (await outcome(deferredStore, compactBatch(withDeferred), String(position)))) return false;
      }
      return JSON.stringify(await texts.exportVersion('p', 1)) === JSON.stringify(await deferredStore.exportVersion('p', 1));
    }),
    { numRuns: RUNS },
  );
  t.pass();
});
