import { describe, expect, it } from 'vitest';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { emptyRoot, leafHash } from './merkle-hash.js';

const root = leafHash(Buffer.from('x'));

describe('checkpoints', () => {
  it('formats origin, size and base64 root, one per line', () => {
    expect(formatCheckpoint({ origin: 'sluice.dev/log', size: 0, root: emptyRoot() })).toBe(
      'sluice.dev/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n',
    );
  });

  it('round-trips, keeping extension lines', () => {
    const text = formatCheckpoint({ origin: 'o', size: 123456789, root, extensions: ['ext one', 'two'] });
    expect(parseCheckpoint(text)).toEqual({
      ok: true,
      value: { origin: 'o', size: 123456789, root, extensions: ['ext one', 'two'] },
    });
  });

  it('rejects malformed bodies', () => {
    const r64 = root.toString('base64');
    const bad = [
      `o\n1\n${r64}`, // no final newline
      `o\n1\n`,
      `\n1\n${r64}\n`,
      `o\n01\n${r64}\n`,
      `o\n-1\n${r64}\n`,
      `o\n0x10\n${r64}\n`,
      `o\n99999999999999999999\n${r64}\n`,
      `o\n1\n${r64.slice(4)}\n`,
      `o\n1\n${r64}\n\n`,
    ];
    for (const text of bad) expect(parseCheckpoint(text).ok, JSON.stringify(text)).toBe(false);
  });

  it('refuses to format bad values', () => {
    expect(() => formatCheckpoint({ origin: '', size: 1, root })).toThrow();
    expect(() => formatCheckpoint({ origin: 'o', size: 1.5, root })).toThrow();
    expect(() => formatCheckpoint({ origin: 'o', size: 1, root: Buffer.alloc(31) })).toThrow();
    expect(() => formatCheckpoint({ origin: 'o', size: 1, root, extensions: [''] })).toThrow();
  });
});
