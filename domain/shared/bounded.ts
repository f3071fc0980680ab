/**
 * A bounded memory of recent idempotency keys with the fingerprint of the payload they answered
 * (DESIGN §8: what an aggregate remembers stays bounded). Plain arrays so state stays
 * JSON-serialisable for snapshots; the oldest entry is dropped first.
 */
export type RecentKeys = ReadonlyArray<readonly [key: string, fingerprint: string]>;

export const RECENT_KEYS_MAX = 1000;

export function rememberKey(recent: RecentKeys, key: string, fingerprint: string, max = RECENT_KEYS_MAX): RecentKeys {
  return appendBounded(recent, [key, fingerprint] as const, max);
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

export function recalledFingerprint(recent: RecentKeys, key: string): string | undefined {
  for (let i = recent.length - 1; i >= 0; i--) if (recent[i]![0] === key) return recent[i]![1];
  return undefined;
}

/** Stable fingerprint of a payload: values joined in the order given. */
export function fingerprint(...values: ReadonlyArray<string | number | boolean | undefined | null>): string {
  return JSON.stringify(values);
}
