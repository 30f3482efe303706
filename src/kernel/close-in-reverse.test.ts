import { describe, expect, it } from 'vitest';
import { closeInReverse } from './close-in-reverse.js';

describe('closeInReverse', () => {
  it('closes the last made first, one after the other', async () => {
    const log: string[] = [];
    const part = (name: string) => ({
      async close() {
        log.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`${name}:end`);
      },
    });
    await closeInReverse([part('a'), part('b'), part('c')]);
    expect(log).toEqual(['c:start', 'c:end', 'b:start', 'b:end', 'a:start', 'a:end']);
  });

  it('closes every part when one fails, then throws the first failure', async () => {
    const closed: string[] = [];
    const failing = (name: string) => ({
      async close() {
        closed.push(name);
        throw new Error(`${name} failed`);
      },
    });
    const fine = { close: async () => void closed.push('fine') };
    await expect(closeInReverse([fine, failing('x'), failing('y')])).rejects.toThrow('y failed');
    expect(closed).toEqual(['y', 'x', 'fine']);
  });
});
