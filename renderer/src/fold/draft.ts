/**
 * Copy-on-write for one fold batch. The fold must not touch the state it was given
 * (React and "step back" keep old states), yet copying every map per event would make
 * a 10,000-event batch quadratic. So each collection is copied once per batch, on its
 * first write, and each value at most once per batch too (`edit`).
 */
export class MapDraft<K, V> {
  private copy: Map<K, V> | undefined;
  private readonly owned = new Set<K>();

  constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly cloneValue: (value: V) => V = (value) => value,
  ) {}

  get size(): number {
    return (this.copy ?? this.base).size;
  }

  get(key: K): V | undefined {
    return (this.copy ?? this.base).get(key);
  }

  has(key: K): boolean {
    return (this.copy ?? this.base).has(key);
  }

  /** A value this batch may mutate in place (cloned on first use), or undefined. */
  edit(key: K): V | undefined {
    const current = this.get(key);
    if (current === undefined || this.owned.has(key)) return current;
    const cloned = this.cloneValue(current);
    this.writable().set(key, cloned);
    this.owned.add(key);
    return cloned;
  }

  /** Stores a value created in this batch (it is then owned: edit() will not clone it). */
  set(key: K, value: V): void {
    this.writable().set(key, value);
    this.owned.add(key);
  }

  delete(key: K): void {
    if (!this.has(key)) return;
    this.writable().delete(key);
    this.owned.delete(key);
  }

  keys(): IterableIterator<K> {
    return (this.copy ?? this.base).keys();
  }

  entries(): IterableIterator<[K, V]> {
    return (this.copy ?? this.base).entries();
  }

  result(): ReadonlyMap<K, V> {
    return this.copy ?? this.base;
  }

  private writable(): Map<K, V> {
    this.copy ??= new Map(this.base);
    return this.copy;
  }
}

export class SetDraft<T> {
  private copy: Set<T> | undefined;

  constructor(private readonly base: ReadonlySet<T>) {}

  has(value: T): boolean {
    return (this.copy ?? this.base).has(value);
  }

  add(value: T): void {
    if (this.has(value)) return;
    this.copy ??= new Set(this.base);
    this.copy.add(value);
  }

  delete(value: T): void {
    if (!this.has(value)) return;
    this.copy ??= new Set(this.base);
    this.copy.delete(value);
  }

  result(): ReadonlySet<T> {
    return this.copy ?? this.base;
  }
}
