import { randomUUID } from 'node:crypto';
import test from 'ava';
import fc from 'fast-check';
import { EventIdSet, uuidWords } from '../../scripts/replay/idSet.js';

test('EventIdSet answers exactly as a Set of the texts: UUIDs, near-UUIDs and other ids, across growth', (t) => {
  const hex = fc.constantFrom(...'0123456789abcdef');
  const uuid = fc.array(hex, { minLength: 32, maxLength: 32 }).map((h) => `${h.slice(0, 8).join('')}-${h.slice(8, 12).join('')}-${h.slice(12, 16).join('')}-${h.slice(16, 20).join('')}-${h.slice(20).join('')}`);
  const odd = fc.oneof(
    uuid.map((u) => u.toUpperCase()),
    uuid.map((u) => `{${u.slice(1)}}`),
    uuid.map((u) => u.replace('-', 'g')),
    uuid.map((u) => u.slice(0, 35) + 'é'),
    fc.string({ maxLength: 40 }),
  );
  fc.assert(
    fc.property(fc.array(fc.oneof({ weight: 6, arbitrary: uuid }, { weight: 2, arbitrary: odd }), { maxLength: 300 }), fc.nat(), (ids, seed) => {
      // repeats of earlier ids, in both forms
      const all = [...ids, ...ids.filter((_, i) => (i + seed) % 3 === 0)];
      const set = new EventIdSet();
      const reference = new Set<string>();
      for (const id of all) {
        const fresh = !reference.has(id);
        reference.add(id);
        if (set.add(id) !== fresh) return false;
        if (set.size !== reference.size) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('EventIdSet: a hundred thousand random UUIDs, each once, then each again', (t) => {
  const ids = Array.from({ length: 100_000 }, () => randomUUID());
  const set = new EventIdSet();
  t.true(ids.every((id) => set.add(id)));
  t.is(set.size, 100_000);
  t.true(ids.every((id) => !set.add(id)));
  // an upper-case spelling of a known id is another text, so another id
  t.true(set.add(ids[0]!.toUpperCase()));
  t.false(set.add(ids[0]!.toUpperCase()));
  t.is(set.size, 100_001);
});

test('uuidWords: the 128 bits of the lowercase 8-4-4-4-12 form only', (t) => {
  const w = new Int32Array(4);
  t.true(uuidWords('ffffffff-ffff-ffff-ffff-ffffffffffff', w));
  t.deepEqual([...w], [-1, -1, -1, -1]);
  t.true(uuidWords('00000000-0000-0000-0000-000000000001', w));
  t.deepEqual([...w], [0, 0, 0, 1]);
  t.true(uuidWords('12345678-9abc-def0-1234-56789abcdef0', w));
  t.deepEqual([...w], [0x12345678, 0x9abcdef0 | 0, 0x12345678, 0x9abcdef0 | 0]);
  for (const bad of ['', '12345678-9abc-def0-1234-56789abcdef', '12345678-9abc-def0-1234-56789abcdef00', '12345678-9ABC-def0-1234-56789abcdef0', '123456789-abc-def0-1234-56789abcdef0', '12345678_9abc-def0-1234-56789abcdef0', '1234567g-9abc-def0-1234-56789abcdef0', '12345678-9abc-def0-1234-56789abcdeሴ']) t.false(uuidWords(bad, w), bad);
});
