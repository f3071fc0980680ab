/**
 * A bounded memory of recent idempotency keys with the fingerprint of the payload they answered
 * (DESIGN §8: what an aggregate remembers stays bounded). Plain arrays so state stays
 * JSON-serialisable for snapshots; the oldest entry is dropped first.
 */
export type RecentKeys = ReadonlyArray<readonly [key: string, fingerprint: string]>;

export const RECENT_KEYS_MAX = 1000;

export function rememberKey(recent: RecentKeys, key: string, fingerprint: string, max = RECENT_KEYS_MAX): RecentKeys {
  const next = recent.length >= max ? recent.slice(recent.length - max + 1) : recent.slice();
  next.push([key, fingerprint]);
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
