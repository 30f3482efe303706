import { createHash } from 'node:crypto';
import { mulberry32, type Random } from '../../stats/prng.js';
import type { Distribution } from './sim-schema.js';

/** A random stream determined by its key parts (seed, text, nonce, purpose…): same parts, same numbers. */
export function keyedRandom(parts: readonly (string | number)[]): Random {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return mulberry32(digest.readUInt32BE(0));
}

/** A standard normal draw (Box–Muller). */
export function normal(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const Z95 = 1.6448536269514722;

/** A lognormal draw with the given median and 95th percentile. */
export function lognormal(random: Random, d: Distribution): number {
  const sigma = Math.log(d.p95 / d.median) / Z95;
  return Math.exp(Math.log(d.median) + sigma * normal(random));
}

/** One element, uniformly. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
