import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeBase64Lenient } from './base64.js';

describe('strict base64', () => {
  it('decodes canonical standard base64 only', () => {
    expect(decodeBase64('aGk=')?.toString()).toBe('hi');
    expect(decodeBase64('')?.length).toBe(0);
    for (const bad of ['aGk', 'aG k=', 'aGl=', 'a-_=', 'aGk=\n', '===='])
      expect(decodeBase64(bad), bad).toBeUndefined();
  });

  it('also takes unpadded URL-safe base64 when lenient', () => {
    expect(decodeBase64Lenient('-_8')?.toString('hex')).toBe('fbff');
    expect(decodeBase64Lenient('+/8=')?.toString('hex')).toBe('fbff');
    expect(decodeBase64Lenient('a')).toBeUndefined();
    expect(decodeBase64Lenient('-_8=')).toBeUndefined();
  });
});
