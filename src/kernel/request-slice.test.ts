import { describe, expect, it } from 'vitest';
import { headerSlice, namedSlice, parseSlice, requestSlice } from './request-slice.js';

describe('requestSlice', () => {
  it('takes the x-sluice-slice header first, in any letter case', () => {
    expect(requestSlice({ headers: { 'x-sluice-slice': 'fr/fr-BE' }, metadata: { slice: 'de' } })).toBe('fr/fr-BE');
    expect(requestSlice({ headers: { 'X-Sluice-Slice': 'legal/ip' } })).toBe('legal/ip');
    expect(requestSlice({ headers: { 'x-sluice-slice': ['a/b', 'c'] } })).toBe('a/b');
  });

  it('falls back to metadata.slice, then to the route as a whole', () => {
    expect(requestSlice({ headers: {}, metadata: { slice: 'de' } })).toBe('de');
    expect(requestSlice({ metadata: { other: 1 } })).toBe('*');
    expect(requestSlice({})).toBe('*');
  });

  it('ignores values that are not slice paths', () => {
    expect(requestSlice({ headers: { 'x-sluice-slice': '' }, metadata: { slice: 'de' } })).toBe('de');
    expect(requestSlice({ headers: { 'x-sluice-slice': 'a//b' } })).toBe('*');
    expect(requestSlice({ metadata: { slice: 'has space' } })).toBe('*');
    expect(requestSlice({ metadata: { slice: 42 } })).toBe('*');
    expect(requestSlice({ metadata: ['slice'] })).toBe('*');
  });
});

describe('namedSlice (the gateway reads it once per request)', () => {
  it('takes a valid header, else a valid metadata.slice, else nothing', () => {
    expect(namedSlice('fr/fr-BE', { slice: 'de' })).toBe('fr/fr-BE');
    expect(namedSlice(' legal/ip ', undefined)).toBe('legal/ip');
    expect(namedSlice(undefined, { slice: 'de' })).toBe('de');
    expect(namedSlice('a//b', { slice: 'de' })).toBe('de');
    expect(namedSlice('', {})).toBeUndefined();
    expect(namedSlice(undefined, undefined)).toBeUndefined();
    expect(parseSlice('*')).toBe('*');
    expect(parseSlice('has space')).toBeUndefined();
    expect(parseSlice('ana@example.com')).toBeUndefined();
    expect(parseSlice('Bearer abc.def')).toBeUndefined();
    expect(parseSlice('x'.repeat(129))).toBeUndefined();
    expect(parseSlice('a/b/c/d/e/f/g/h')).toBe('a/b/c/d/e/f/g/h');
    expect(parseSlice('a/b/c/d/e/f/g/h/i')).toBeUndefined();
  });

  it('tells a bad x-sluice-slice from an absent one', () => {
    expect(headerSlice(undefined)).toBeUndefined();
    expect(headerSlice('fr/fr-BE')).toBe('fr/fr-BE');
    expect(headerSlice('ana@example.com')).toEqual({ invalid: 'ana@example.com' });
  });
});
