/**
 * Small integer helpers for Merkle tree shapes. Sizes and indexes are plain
 * numbers kept within Number.MAX_SAFE_INTEGER, so arithmetic is used instead
 * of 32-bit bitwise operators.
 */

/** A perfect subtree: 2^level leaves starting at leaf index * 2^level. */
export interface NodeId {
  level: number;
  index: number;
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** Largest power of two strictly less than n (n ≥ 2): the RFC 6962 split point k. */
export function splitPoint(n: number): number {
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`splitPoint needs n ≥ 2, got ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Largest power of two ≤ n (n ≥ 1). */
export function largestPowerOfTwoAtMost(n: number): number {
  let k = 1;
  while (k * 2 <= n) k *= 2;
  return k;
}

export function log2Exact(n: number): number {
  let level = 0;
  while (n > 1) {
    n /= 2;
    level++;
  }
  return level;
}

export function isLeafCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * The perfect subtrees covering leaves [start, start + n), left to right, largest
 * first. `start` must be aligned (a multiple of the first subtree's size), which
 * holds for every range an RFC 6962 proof asks for.
 */
export function rangeNodeIds(start: number, n: number): NodeId[] {
  const out: NodeId[] = [];
  while (n > 0) {
    const k = largestPowerOfTwoAtMost(n);
    if (start % k !== 0) throw new RangeError(`range [${start}, ${start + n}) is not aligned`);
    out.push({ level: log2Exact(k), index: start / k });
    start += k;
    n -= k;
  }
  return out;
}
