/**
 * The memory store's sorted set (projections/store/sortedSet.ts) against the plain definition —
 * a member → score map, listed by score then member in code point order — over random add,
 * remove, trim and score sequences. Many sequences keep one score and grow at the newest end,
 * the shape that needs no member index, and then leave it.
 */
import test from 'ava';
import fc from 'fast-check';
import { compareCodePoints } from '../../projections/store/keys.js';
import type { ZEntry } from '../../projections/store/port.js';
import { SortedSet } from '../../projections/store/sortedSet.js';

type Op = { kind: 'add'; score: number; member: string } | { kind: 'remove'; member: string } | { kind: 'trim'; count: number } | { kind: 'score'; member: string };

const member = fc.constantFrom('a', 'b', 'c', 'm1', 'm10', 'm2', '\uffff', '\ud83d\ude00', '0001:x', '0002:x', '0010:y');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('add' as const), score: fc.constantFrom(0, 0, 0, 1, -2), member }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), member }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('trim' as const), count: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('score' as const), member }) },
);
/** appends in member order at score 0: the index-free path, then anything */
const growing = fc.uniqueArray(member, { minLength: 1, maxLength: 8 }).map((ms) => [...ms].sort(compareCodePoints).map((m): Op => ({ kind: 'add', score: 0, member: m })));

function listed(model: Map<string, number>): ZEntry[] {
  return [...model].map(([m, score]) => ({ score, member: m })).sort((x, y) => (x.score !== y.score ? x.score - y.score : compareCodePoints(x.member, y.member)));
}

test('the sorted set lists, scores and trims exactly like the plain definition', (t) => {
  fc.assert(
    fc.property(growing, fc.array(op, { maxLength: 30 }), (start, rest) => {
      const set = new SortedSet();
      const model = new Map<string, number>();
      for (const o of [...start, ...rest]) {
        if (o.kind === 'add') {
          set.add(o.score, o.member);
          model.set(o.member, o.score);
        } else if (o.kind === 'remove') {
          set.remove(o.member);
          model.delete(o.member);
        } else if (o.kind === 'trim') {
          set.keepNewest(o.count);
          const all = listed(model);
          for (const e of all.slice(0, Math.max(0, all.length - o.count))) model.delete(e.member);
        } else {
          t.is(set.score(o.member), model.get(o.member) ?? null);
        }
        const expected = listed(model);
        t.is(set.size, expected.length);
        t.deepEqual(set.all(), expected);
        t.deepEqual(set.revRange(0, -1), [...expected].reverse());
      }
    }),
    { numRuns: 1000 },
  );
});
