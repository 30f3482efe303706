import { describe, expect, it } from 'vitest';
import { inSubtree, sliceChain } from './slice-tree.js';

describe('slice tree', () => {
  it('walks from a slice to the root', () => {
    expect(sliceChain('fr/fr-BE')).toEqual(['fr/fr-BE', 'fr', '*']);
    expect(sliceChain('*')).toEqual(['*']);
    expect(inSubtree('fr/fr-BE', 'fr')).toBe(true);
    expect(inSubtree('fra', 'fr')).toBe(false);
    expect(inSubtree('x', '*')).toBe(true);
  });
});
