/**
 * Results of pure computations by content key (e.g. the content hashes of the versions compared
 * plus the options): equal inputs share one promise, failures are forgotten, the oldest entry goes
 * first when full.
 */
export class ResultCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly maxEntries = 32) {}

  /** The cached value for `key`, or `compute()`'s; `hit` says which. */
  async get(key: string, compute: () => Promise<T>): Promise<{ value: T; hit: boolean }> {
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return { value: await cached, hit: true };
    }
    const pending = compute();
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return { value: await pending, hit: false };
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Finished values by key, least recently used first out past `maxEntries`: for results whose
 * computation a request may cancel, so only completed ones are shared.
 */
export class FinishedValues<T> {
  private readonly values = new Map<string, T>();

  constructor(private readonly maxEntries = 64) {}

  get(key: string): T | undefined {
    const value = this.values.get(key);
    if (value !== undefined) {
      this.values.delete(key);
      this.values.set(key, value);
    }
    return value;
  }

  set(key: string, value: T): void {
    this.values.delete(key);
    this.values.set(key, value);
    while (this.values.size > this.maxEntries) this.values.delete(this.values.keys().next().value as string);
  }
}
