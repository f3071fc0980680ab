/**
 * The replay's canonical serialisation (scripts/replay/hash.ts): its shortcut for read-model
 * dump values gives exactly the text of the plain definition — every object's keys sorted by
 * code point at every level — for dumps and for anything shaped almost like one.
 */
import test from 'ava';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { StateHasher, canonicalJson, stateHash } from '../../scripts/replay/hash.js';
import { ModelsHash, exportModels, exportModelsNow } from '../../scripts/replay/projectionSide.js';
import { compareCodePoints } from '../../projections/store/keys.js';
import { MemoryReadStore } from '../../projections/store/memory.js';
import type { WriteOp } from '../../projections/store/port.js';
import type { Projection } from '../../projections/runner/projection.js';

/** the definition, written the slow and obvious way */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record).sort(compareCodePoints).map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`;
}

// integer-like keys enumerate first, astral characters sort differently by code point than by UTF-16 unit
const text = fc.oneof(fc.constantFrom('', '0', '10', '9', '1.5', '\ud83d\ude00', '\uffff', 'a"b\\c', 'é'), fc.string({ unit: 'binary' }));
const record = fc.dictionary(text, text, { maxKeys: 6 });
const dump = fc.oneof(
  fc.record({ type: fc.constant('string'), value: text }),
  fc.record({ type: fc.constant('hash'), fields: record }),
  fc.record({ type: fc.constant('zset'), entries: fc.array(fc.record({ score: fc.integer(), member: text }), { maxLength: 4 }) }),
  fc.record({ type: fc.constant('set'), members: fc.array(text, { maxLength: 4 }) }),
);
/** almost a dump: a key too many, a wrong type of value, entries with another shape */
const nearDump = fc.oneof(
  fc.record({ type: fc.constant('hash'), fields: fc.dictionary(text, fc.oneof(text, fc.integer(), fc.constant(null)), { maxKeys: 3 }) }),
  fc.record({ type: fc.constant('hash'), fields: record, extra: text }),
  fc.record({ type: fc.constant('zset'), entries: fc.array(fc.record({ score: fc.oneof(fc.integer(), fc.constant('1')), member: text, more: fc.option(text, { nil: undefined }) }, { requiredKeys: ['score', 'member'] }), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('set'), members: fc.array(fc.oneof(text, fc.integer()), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('string'), value: fc.oneof(text, fc.integer()) }),
  fc.record({ type: fc.constantFrom('zset', 'hash', 'set', 'string'), fields: fc.constant([]), entries: fc.constant({}), members: fc.constant('x') }, { requiredKeys: ['type'] }),
);
const model = fc.dictionary(text, fc.oneof(dump, nearDump), { maxKeys: 5 });

test('canonicalJson of dumps and near-dumps is the sorted-keys JSON', (t) => {
  fc.assert(
    fc.property(model, (m) => {
      t.is(canonicalJson(m), reference(m));
    }),
    { numRuns: 2000 },
  );
});

test('stateHash is SHA-256 over each model name and its canonical JSON, in name order', (t) => {
  fc.assert(
    fc.property(fc.dictionary(text, model, { maxKeys: 3 }), (models) => {
      const hash = createHash('sha256');
      for (const name of Object.keys(models).sort(compareCodePoints)) hash.update(JSON.stringify(name) + reference(models[name]));
      t.is(stateHash(models), hash.digest('hex'));
    }),
    { numRuns: 300 },
  );
});

test('a hash whose fields are out of code point order is still written in code point order', (t) => {
  const fields = { b: '1', '10': '2', '9': '3', '\ud83d\ude00': '4', '\uffff': '5' };
  t.is(canonicalJson({ type: 'hash', fields }), '{"fields":{"10":"2","9":"3","b":"1","\uffff":"5","\ud83d\ude00":"4"},"type":"hash"}');
});

// keys and fields a store takes (no `$` first), integer-like and astral ones among them
const storeText = text.filter((s) => s.length > 0 && s.length <= 64 && !s.startsWith('$'));
const storeOp: fc.Arbitrary<WriteOp> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: storeText, value: text }),
  fc.record({ op: fc.constant('hset' as const), key: storeText, fields: fc.dictionary(storeText, text, { minKeys: 1, maxKeys: 4 }) }),
  fc.record({ op: fc.constant('zadd' as const), key: storeText, entries: fc.array(fc.record({ score: fc.integer({ min: -5, max: 5 }), member: text }), { minLength: 1, maxLength: 4 }) }),
  fc.record({ op: fc.constant('sadd' as const), key: storeText, members: fc.array(text, { minLength: 1, maxLength: 4 }) }),
  fc.record({ op: fc.constant('del' as const), key: storeText }),
);

test('ModelsHash reads a store to the hash of stateHash over its export, whichever models it hashes early', async (t) => {
  const names = ['orders', 'balances', 'ledger', 'Zeta', 'a_b'];
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...names), storeOp), { maxLength: 30 }), fc.subarray(names), async (writes, early) => {
      const store = new MemoryReadStore();
      let position = 0;
      for (const [name, op] of writes) {
        // a batch the store refuses (a key of another type) leaves it as it was: the same for both sides
        await store.applyBatch(name, 2, [op], String(++position)).catch(() => undefined);
      }
      const projections = names.map((name) => ({ name, version: 2 }) as unknown as Projection<unknown>);
      const hash = new ModelsHash(store, projections);
      hash.advance(projections.filter((p) => early.includes(p.name)));
      const exported = await exportModels(store, projections);
      t.deepEqual(exportModelsNow(store, projections), exported);
      t.is(hash.digest(), stateHash(exported));
    }),
    { numRuns: 300 },
  );
});

test('StateHasher refuses models or keys out of code point order (they would hash to another value)', (t) => {
  const hasher = new StateHasher();
  hasher.model('b', []);
  t.throws(() => hasher.model('a', []), { instanceOf: RangeError });
  t.throws(() => new StateHasher().model('m', [['\ud83d\ude00', 1], ['\uffff', 2]]), { instanceOf: RangeError });
  t.throws(() => new StateHasher().model('m', [['k', 1], ['k', 2]]), { instanceOf: RangeError });
});
