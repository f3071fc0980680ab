import test from 'ava';
import fc from 'fast-check';
import { recalledFingerprint, rememberKey, type RecentKeys } from '../../domain/shared/bounded.js';

/** The definition: the fingerprint of the newest entry with the key. */
function scan(recent: RecentKeys, key: string): string | undefined {
  for (let i = recent.length - 1; i >= 0; i--) if (recent[i]![0] === key) return recent[i]![1];
  return undefined;
}

type Op =
  | { kind: 'remember'; from: number; key: number; fingerprint: number; freeze: boolean }
  | { kind: 'recall'; version: number; key: number }
  | { kind: 'roundTrip'; version: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('remember' as const), from: fc.nat(), key: fc.nat({ max: 60 }), fingerprint: fc.nat({ max: 3 }), freeze: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('recall' as const), version: fc.nat(), key: fc.nat({ max: 62 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('roundTrip' as const), version: fc.nat() }) },
);

test('recalledFingerprint answers as the newest-first scan on every version: lists growing past the bound, repeated keys, branches from old versions, frozen lists, lists back from JSON', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 90 }), fc.array(op, { minLength: 1, maxLength: 400 }), (max, ops) => {
      // mostly the newest version (as the runner does), sometimes an older one (a branch)
      const versions: RecentKeys[] = [[]];
      for (const o of ops) {
        if (o.kind === 'remember') {
          const base = o.from % 5 === 0 ? versions[o.from % versions.length]! : versions.at(-1)!;
          const before = base.map((entry) => [...entry]);
          const next = rememberKey(base, `k${o.key}`, `f${o.fingerprint}`, max);
          // the list it was made from is unchanged
          if (JSON.stringify(base) !== JSON.stringify(before)) return false;
          versions.push(o.freeze ? Object.freeze(next) : next);
        } else if (o.kind === 'recall') {
          const version = versions[o.version % versions.length]!;
          if (recalledFingerprint(version, `k${o.key}`) !== scan(version, `k${o.key}`)) return false;
        } else {
          versions.push(JSON.parse(JSON.stringify(versions[o.version % versions.length])) as RecentKeys);
        }
      }
      // every version, every key, at the end
      for (const version of versions) {
        for (let key = 0; key <= 62; key++) if (recalledFingerprint(version, `k${key}`) !== scan(version, `k${key}`)) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('a long list (past RECENT_KEYS_MAX) keeps answering after its oldest entries left, including a key whose older entry left but a newer one stays', (t) => {
  let recent: RecentKeys = [];
  for (let i = 0; i < 2500; i++) {
    recent = rememberKey(recent, `order-${i % 1200}`, `fp-${i}`);
    if (i % 97 === 0) t.is(recalledFingerprint(recent, `order-${(i * 7) % 1200}`), scan(recent, `order-${(i * 7) % 1200}`));
  }
  t.is(recent.length, 1000);
  // order-0 was remembered at 0, 1200 and 2400: the 0 and 1200 entries left, 2400 stays
  t.is(recalledFingerprint(recent, 'order-0'), 'fp-2400');
  // order-1199 was remembered at 1199 and 2399: only the newest is left
  t.is(recalledFingerprint(recent, 'order-1199'), 'fp-2399');
  // the window holds entries 1500..2499: order-299 was last remembered at 1499, order-300 at 1500
  t.is(recalledFingerprint(recent, 'order-299'), undefined);
  t.is(recalledFingerprint(recent, 'order-300'), 'fp-1500');
});
