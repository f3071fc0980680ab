/**
 * Immutable updates of the id-keyed records in aggregate states (open orders by orderId). Such a
 * record holds many non-index keys, so V8 keeps it as a hash table, where a spread copy — and
 * above all one of a table that had a key deleted — costs several times this plain loop; every
 * order event updates one. The result is the spread's: the same keys in the same order (an
 * updated key keeps its place, a new one goes last), the same values.
 */
/**
 * An empty plain object already in dictionary mode. Filling a fast-mode `{}` with keys that are
 * new each time (order ids) gives V8 a new hidden class per key, chained on the empty object's
 * (the position fold paid ~1 us per copy for that); a table takes any key without one. Same
 * prototype, same own keys, same enumeration order: nothing a caller can tell apart.
 */
function emptyTable<V>(): Record<string, V> {
  const table: Record<string, unknown> = { a: 0, b: 0 };
  delete table['a']; // deleting a property other than the last one switches the object to a table
  delete table['b'];
  return table as Record<string, V>;
}

export function withEntry<V>(record: Readonly<Record<string, V>>, key: string, value: V): Record<string, V> {
  const next: Record<string, V> = emptyTable();
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) put(next, keys[i]!, record[keys[i]!]!);
  put(next, key, value);
  return next;
}

/** The record without `key` (the same record when it has no such key is not promised: always a copy). */
export function withoutEntry<V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> {
  const next: Record<string, V> = emptyTable();
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) if (keys[i] !== key) put(next, keys[i]!, record[keys[i]!]!);
  return next;
}

/**
 * `table[key] = value` as the spread and a computed key define it: an id "__proto__" (ids come
 * from JSON-validated events) is an own key, where an assignment would replace the prototype.
 */
function put<V>(table: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__') Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });
  else table[key] = value;
}
