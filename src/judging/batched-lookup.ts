interface Waiting<V> {
  readonly resolve: (v: V | undefined) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Single-key lookups answered by one bulk read: the keys asked for while the
 * callers wait (until the next turn of the event loop) go to `read` together.
 */
export class BatchedLookup<V> {
  private waiting = new Map<string, Waiting<V>[]>();
  private scheduled = false;

  constructor(private readonly read: (keys: readonly string[]) => Promise<ReadonlyMap<string, V>>) {}

  get(key: string): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(key);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    this.scheduled = false;
    try {
      const found = await this.read([...batch.keys()]);
      for (const [key, list] of batch) for (const w of list) w.resolve(found.get(key));
    } catch (e) {
      for (const list of batch.values()) for (const w of list) w.reject(e);
    }
  }
}
