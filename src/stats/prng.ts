/**
 * A small seeded pseudo-random generator (mulberry32: a 32-bit state
 * advanced by a Weyl sequence and mixed), so resampling is reproducible
 * from a seed on every platform. Not for anything secret.
 */

export type Random = () => number;

/** Uniform numbers in [0, 1) with 32 bits of resolution, determined by seed (taken modulo 2³²). */
export function mulberry32(seed: number): Random {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${String(seed)}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n). */
export function randomIndex(random: Random, n: number): number {
  return Math.floor(random() * n);
}
