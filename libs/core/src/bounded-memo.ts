/**
 * A pure function's results by key, for keys drawn from a small set that is not bounded by the
 * code (statement texts, a definition's references, connectors' base URLs): each is computed
 * once, and past `limit` keys the memo forgets everything and starts again (correct either way,
 * and a stream of distinct keys costs no more than computing each).
 */
export class BoundedMemo<K, V> {
  private readonly values = new Map<K, V>();

  constructor(private readonly limit: number, private readonly compute: (key: K) => V) {}

  get(key: K): V {
    let value = this.values.get(key);
    if (value === undefined) {
      if (this.values.size >= this.limit) this.values.clear();
      value = this.compute(key);
      this.values.set(key, value);
    }
    return value;
  }
}
