/**
 * A map keyed by the text `${a} ${b}` of two strings, without building, flattening and hashing
 * that text on every access. Pairs without a space are looked up by a, then by b: two of them have
 * the same text exactly when they are equal. A pair with a space in either part is kept under its
 * text in a plain map: its text has two spaces or more, so it never equals the text of a pair
 * without one, and among themselves such pairs collide exactly as their texts do. Iteration is in
 * insertion order of the texts, as a Map's. No deletion: the log checks only ever add.
 */
export class PairKeyMap<V> {
  private readonly nested = new Map<string, Map<string, Entry<V>>>();
  private readonly joined = new Map<string, Entry<V>>();
  private readonly order: Entry<V>[] = [];

  get size(): number {
    return this.order.length;
  }

  get(a: string, b: string): V | undefined {
    if (a.includes(' ') || b.includes(' ')) return this.joined.get(`${a} ${b}`)?.value;
    return this.nested.get(a)?.get(b)?.value;
  }

  set(a: string, b: string, value: V): void {
    if (a.includes(' ') || b.includes(' ')) {
      const text = `${a} ${b}`;
      const e = this.joined.get(text);
      if (e) e.value = value;
      else this.joined.set(text, this.entry(a, b, value));
      return;
    }
    let byB = this.nested.get(a);
    if (!byB) this.nested.set(a, (byB = new Map()));
    const e = byB.get(b);
    if (e) e.value = value;
    else byB.set(b, this.entry(a, b, value));
  }

  /** [text, value] in insertion order */
  *entries(): IterableIterator<[string, V]> {
    for (const e of this.order) yield [`${e.a} ${e.b}`, e.value];
  }

  private entry(a: string, b: string, value: V): Entry<V> {
    const e = { a, b, value };
    this.order.push(e);
    return e;
  }
}

interface Entry<V> {
  a: string;
  b: string;
  value: V;
}
