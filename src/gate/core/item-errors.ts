/**
 * Why items failed to serve, for the report: the first distinct errors (the provider's own
 * message), each with how many items of which arm it failed and the first item it failed.
 * Bounded: past MAX_CAUSES distinct messages the rest are only counted.
 */
export interface ItemErrorCause {
  readonly arm: 'candidate' | 'baseline';
  readonly message: string;
  readonly count: number;
  /** The suite id of the first item that failed with it. */
  readonly first_item: string;
}

export const MAX_CAUSES = 5;

export class ItemErrorTally {
  private readonly causes = new Map<
    string,
    { arm: ItemErrorCause['arm']; message: string; count: number; first: string }
  >();
  private others = 0;

  add(arm: ItemErrorCause['arm'], message: string, itemId: string): void {
    const key = `${arm}\u0000${message}`;
    const seen = this.causes.get(key);
    if (seen) seen.count++;
    else if (this.causes.size < MAX_CAUSES) this.causes.set(key, { arm, message, count: 1, first: itemId });
    else this.others++;
  }

  /** The causes, most frequent first (ties in the order first seen). */
  list(): ItemErrorCause[] {
    return [...this.causes.values()]
      .map((c, i) => ({ c, i }))
      .sort((a, b) => b.c.count - a.c.count || a.i - b.i)
      .map(({ c }) => ({ arm: c.arm, message: c.message, count: c.count, first_item: c.first }));
  }

  /** Failed items whose message was not among the first MAX_CAUSES distinct ones. */
  get uncounted(): number {
    return this.others;
  }
}
