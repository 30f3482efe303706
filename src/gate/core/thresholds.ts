import type { GateConfig } from '../../config/sluice-schema.js';
import { sliceChain } from '../../kernel/slice-tree.js';

export interface Threshold {
  readonly min: number | null;
  readonly max_drop: number | null;
  readonly min_items: number;
}

/**
 * A slice's threshold: each setting from the most specific entry on its path
 * that has it (fr/fr-BE, then fr, then *).
 */
export function thresholdFor(slice: string, slices: GateConfig['slices']): Threshold {
  const chain = sliceChain(slice)
    .map((s) => slices[s])
    .filter((t) => t !== undefined);
  const pick = <K extends 'min' | 'max_drop' | 'min_items'>(k: K) => chain.find((t) => t[k] !== undefined)?.[k];
  return { min: pick('min') ?? null, max_drop: pick('max_drop') ?? null, min_items: pick('min_items') ?? 0 };
}

/** Every slice in the suite and every ancestor of one (not the root: that is the aggregate). */
export function sliceTree(slices: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const s of slices) for (const a of sliceChain(s)) if (a !== '*') all.add(a);
  return [...all].sort();
}
