/**
 * A token bucket holding at most `capacity`, refilled continuously at
 * `capacity` per `periodMs`. Its level may go below zero when a caller is
 * charged more after the fact than it reserved; the debt is paid by waiting.
 */
export class TokenBucket {
  private level: number;
  private updated: number;

  constructor(
    readonly capacity: number,
    private readonly periodMs: number,
    now: number,
  ) {
    this.level = capacity;
    this.updated = now;
  }

  /** How long until `amount` (at most the capacity) is available; 0 when it is now. */
  waitFor(amount: number, now: number): number {
    this.refill(now);
    const need = Math.min(amount, this.capacity) - this.level;
    return need <= 0 ? 0 : Math.ceil((need * this.periodMs) / this.capacity);
  }

  take(amount: number, now: number): void {
    this.refill(now);
    this.level -= amount;
  }

  /** Gives back (or, when negative, charges) an amount after the fact. */
  adjust(amount: number, now: number): void {
    this.refill(now);
    this.level = Math.min(this.capacity, this.level + amount);
  }

  available(now: number): number {
    this.refill(now);
    return this.level;
  }

  private refill(now: number): void {
    if (now > this.updated)
      this.level = Math.min(this.capacity, this.level + ((now - this.updated) * this.capacity) / this.periodMs);
    this.updated = Math.max(this.updated, now);
  }
}
