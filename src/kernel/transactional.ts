/**
 * A store port that can run work atomically: `fn` gets the same port bound to
 * the transaction. With `lock`, the transaction also excludes other processes
 * taking the same named lock.
 */
export interface Transactional<P> {
  transaction<T>(fn: (tx: P) => Promise<T>, opts?: { lock?: string }): Promise<T>;
}
