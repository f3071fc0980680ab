/**
 * A bounded memory of recent idempotency keys with the fingerprint of the payload they answered
 * (DESIGN §8: what an aggregate remembers stays bounded). Plain arrays so state stays
 * JSON-serialisable for snapshots; the oldest entry is dropped first.
 */
export type RecentKeys = ReadonlyArray<readonly [key: string, fingerprint: string]>;

export const RECENT_KEYS_MAX = 1000;

/**
 * What a RecentKeys list holds, for lookups in O(1) instead of a scan of up to RECENT_KEYS_MAX
 * entries (an account scans its ended orders at every freeze and every unfreeze: ~10 us at 1000
 * entries). Kept outside the state, so states stay plain JSON and nothing observable changes:
 * an index is only ever the exact content of the one list it is keyed by.
 */
interface KeyIndex {
  /** key → fingerprint of its newest entry */
  newest: Map<string, string>;
  /** key → number of entries with that key (an entry leaves from the old end only) */
  count: Map<string, number>;
}

const indexes = new WeakMap<RecentKeys, KeyIndex>();

/** Below this many entries a scan is as cheap as the index. */
const INDEX_FROM = 32;

export function rememberKey(recent: RecentKeys, key: string, fingerprint: string, max = RECENT_KEYS_MAX): RecentKeys {
  const next = appendBounded(recent, [key, fingerprint] as const, max);
  // The index moves on to the new list (states are replaced, the old list is rarely asked
  // again; if it is, it builds its own index from its entries).
  const index = indexes.get(recent);
  if (index) {
    indexes.delete(recent);
    const dropped = recent.length + 1 - next.length;
    for (let i = 0; i < dropped; i++) forget(index, recent[i]![0]);
    index.newest.set(key, fingerprint);
    index.count.set(key, (index.count.get(key) ?? 0) + 1);
    indexes.set(next, index);
  }
  return next;
}

function forget(index: KeyIndex, key: string): void {
  const left = index.count.get(key)! - 1;
  if (left > 0) index.count.set(key, left);
  else {
    index.count.delete(key);
    index.newest.delete(key);
  }
}

function indexOf(recent: RecentKeys): KeyIndex {
  let index = indexes.get(recent);
  if (!index) {
    index = { newest: new Map(), count: new Map() };
    for (const [key, fingerprint] of recent) {
      index.newest.set(key, fingerprint);
      index.count.set(key, (index.count.get(key) ?? 0) + 1);
    }
    indexes.set(recent, index);
  }
  return index;
}

/**
 * `list` plus `item`, keeping the newest `max`, as a new array made in one allocation and one
 * copy (slice-then-push copies a full list twice). Aggregate states keep such lists, and every
 * order's end appends to them.
 */
export function appendBounded<T>(list: readonly T[], item: T, max: number): T[] {
  const start = list.length >= max ? list.length - max + 1 : 0;
  const length = list.length - start + 1;
  const next: T[] = new Array<T>(length);
  for (let i = 0; i < length - 1; i++) next[i] = list[start + i]!;
  next[length - 1] = item;
  return next;
}

/** The fingerprint of the newest entry with `key`. */
export function recalledFingerprint(recent: RecentKeys, key: string): string | undefined {
  if (recent.length >= INDEX_FROM) return indexOf(recent).newest.get(key);
  for (let i = recent.length - 1; i >= 0; i--) if (recent[i]![0] === key) return recent[i]![1];
  return undefined;
}

/** Stable fingerprint of a payload: values joined in the order given. */
export function fingerprint(...values: ReadonlyArray<string | number | boolean | undefined | null>): string {
  return JSON.stringify(values);
}
