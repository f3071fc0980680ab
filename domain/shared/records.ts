/**
 * Immutable updates of the id-keyed records in aggregate states (open orders by orderId). Such a
 * record holds many non-index keys, so V8 keeps it as a hash table, where a spread copy — and
 * above all one of a table that had a key deleted — costs several times this plain loop; every
 * order event updates one. The result is the spread's: the same keys in the same order (an
 * updated key keeps its place, a new one goes last), the same values.
 */
export function withEntry<V>(record: Readonly<Record<string, V>>, key: string, value: V): Record<string, V> {
  const next: Record<string, V> = {};
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) next[keys[i]!] = record[keys[i]!]!;
  next[key] = value;
  return next;
}

/** The record without `key` (the same record when it has no such key is not promised: always a copy). */
export function withoutEntry<V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> {
  const next: Record<string, V> = {};
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) if (keys[i] !== key) next[keys[i]!] = record[keys[i]!]!;
  return next;
}
