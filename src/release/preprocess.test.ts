import { describe, expect, it } from 'vitest';
import type { PreprocessStep } from '../config/release-schema.js';
import { preprocess, preprocessDigest } from './preprocess.js';

const run = (text: string, steps: PreprocessStep[]) =>
  preprocess({ messages: [{ role: 'user', content: text }], vars: {} }, steps).messages[0]!.content;

describe('preprocessing', () => {
  it('trims and collapses whitespace in user messages only', () => {
    const out = preprocess(
      {
        messages: [
          { role: 'system', content: '  keep   me  ' },
          { role: 'user', content: '  What   is\n\n a licence? ' },
        ],
        vars: {},
      },
      [{ op: 'trim' }, { op: 'collapse_whitespace' }],
    );
    expect(out.messages[0]!.content).toBe('  keep   me  ');
    expect(out.messages[1]!.content).toBe('What is a licence?');
  });

  it('lowercases only the named field when a field is given', () => {
    const out = preprocess({ messages: [{ role: 'user', content: 'In BE' }], vars: { jurisdiction: 'BE', n: 3 } }, [
      { op: 'lowercase', field: 'jurisdiction' },
      { op: 'lowercase', field: 'n' },
    ]);
    expect(out.vars).toEqual({ jurisdiction: 'be', n: 3 });
    expect(out.messages[0]!.content).toBe('In BE');
  });

  it('applies text steps in their order and field steps in theirs, however the two are interleaved', () => {
    const steps: PreprocessStep[] = [
      { op: 'replace', pattern: 'a', with: 'b' },
      { op: 'lowercase', field: 'x' },
      { op: 'replace', pattern: 'b', with: 'c' },
      { op: 'uppercase', field: 'x' },
      { op: 'max_chars', max: 3 },
    ];
    const out = preprocess({ messages: [{ role: 'user', content: 'aabb' }], vars: { x: 'Mixed' } }, steps);
    expect(out.messages[0]!.content).toBe('ccc');
    expect(out.vars).toEqual({ x: 'MIXED' });
    // The same text steps in another order give another text: the order is kept, not merged away.
    expect(run('aabb', [steps[2]!, steps[0]!, steps[4]!])).toBe('bbc');
  });

  it('strips HTML, decodes entities, normalizes to NFC and cuts by characters', () => {
    expect(
      run('<p>Caf&eacute; &amp; <b>bar</b><script>x()</script></p>', [
        { op: 'strip_html' },
        { op: 'collapse_whitespace' },
        { op: 'trim' },
      ]),
    ).toBe('Café & bar');
    expect(run('e\u0301', [{ op: 'unicode_nfc' }])).toBe('\u00e9');
    expect(run('😀😀😀', [{ op: 'max_chars', max: 2 }])).toBe('😀😀');
  });

  it('rewrites text parts of multi-part content and leaves the input untouched', () => {
    const input = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: ' A ' },
            { type: 'image_url', image_url: 'x' },
          ],
        },
      ],
      vars: {},
    };
    const out = preprocess(input, [{ op: 'trim' }]);
    expect(out.messages[0]!.content).toEqual([
      { type: 'text', text: 'A' },
      { type: 'image_url', image_url: 'x' },
    ]);
    expect(input.messages[0]!.content[0]).toEqual({ type: 'text', text: ' A ' });
  });

  it('has a digest that covers the steps, their order and the library version', () => {
    const a = preprocessDigest([{ op: 'trim' }, { op: 'lowercase', field: 'j' }]);
    expect(preprocessDigest([{ op: 'trim' }, { op: 'lowercase', field: 'j' }])).toBe(a);
    expect(preprocessDigest([{ op: 'lowercase', field: 'j' }, { op: 'trim' }])).not.toBe(a);
    expect(preprocessDigest([{ op: 'trim' }])).not.toBe(a);
  });
});
