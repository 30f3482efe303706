import { TokenBucket } from '../../providers/http/token-bucket.js';

/**
 * Each key's requests-per-minute limit, in this gateway process: a bucket of
 * `rpm` requests refilled continuously over a minute. `take` answers how many
 * seconds to wait when the key is over its limit, 0 when the request may go.
 */
export class KeyRateLimit {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  take(name: string, rpm: number): number {
    const at = this.now();
    let b = this.buckets.get(name);
    if (!b || b.capacity !== rpm) {
      b = new TokenBucket(rpm, 60_000, at);
      this.buckets.set(name, b);
    }
    const wait = b.waitFor(1, at);
    if (wait > 0) return Math.max(1, Math.ceil(wait / 1000));
    b.take(1, at);
    return 0;
  }
}
