import { describe, expect, it } from 'vitest';
import { PackedLines } from './packed-lines.js';

const texts = [
  '',
  '\n',
  'one line, no newline',
  'a\nb\n',
  '\n\nab\n\ncd',
  'héllo ☃ 🎉\r\nwörld\n',
  `${'abc\n'.repeat(50)}${'é'.repeat(40)}\n\n`,
];

describe('packed lines', () => {
  it('give back the lines of the text, blocks cut anywhere (multi-byte characters included)', () => {
    for (const text of texts) {
      for (const block of [1, 2, 3, 7, 64, 1 << 16]) {
        expect(
          [...PackedLines.pack(Buffer.from(text), block).lines()],
          `${JSON.stringify(text)} in blocks of ${block}`,
        ).toEqual(text.split('\n'));
      }
    }
  });

  it('decode bytes as the whole text would (a character cut at a line end)', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('x\ny'),
      Buffer.from([0xe2, 0x98, 0x0a, 0xc3]),
    ]);
    expect([...PackedLines.pack(bytes, 2).lines()]).toEqual(bytes.toString('utf8').split('\n'));
  });

  it('hold a repetitive suite in a fraction of its size', () => {
    const line = (i: number) =>
      JSON.stringify({
        id: `item-${i}`,
        slice: 'billing/refunds',
        input: `How do I cancel the plan for workspace ${i}?`,
      });
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => line(i)).join('\n'));
    const packed = PackedLines.pack(bytes);
    expect(packed.packedSize).toBeLessThan(bytes.length / 4);
    expect([...packed.lines()]).toHaveLength(5000);
  });
});
