import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../kernel/errors.js';
import { loadAnchors, parseAnchors } from './anchors.js';
import { tempDir } from '../kernel/test-support/temp-dir.js';

function errorOf(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SluiceError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const good = '{"slice": "fr/fr-BE", "input": "q", "output": "a", "human_score": 4}';

describe('anchors', () => {
  it('parses lines, skipping blanks and keeping line numbers and references', () => {
    const text = `${good}\n\n{"slice": "fr", "input": "q2", "output": "a2", "human_score": 1.5, "reference": "r", "rater": "x"}\r\n`;
    expect(parseAnchors('a.jsonl', text)).toEqual([
      { slice: 'fr/fr-BE', input: 'q', output: 'a', humanScore: 4, line: 1 },
      { slice: 'fr', input: 'q2', output: 'a2', humanScore: 1.5, reference: 'r', line: 3 },
    ]);
  });

  it.each([
    ['{not json', 'not JSON'],
    ['[1, 2]', 'expected a JSON object'],
    ['{"slice": "fr", "input": "q", "output": "a"}', 'missing "human_score"'],
    ['{"input": "q", "output": "a", "human_score": 1}', 'missing "slice"'],
    ['{"slice": "fr//be", "input": "q", "output": "a", "human_score": 1}', '"slice" must be a slice path'],
    ['{"slice": "/fr", "input": "q", "output": "a", "human_score": 1}', '"slice" must be a slice path'],
    ['{"slice": "", "input": "q", "output": "a", "human_score": 1}', '"slice" must be a slice path'],
    ['{"slice": "fr", "input": 3, "output": "a", "human_score": 1}', '"input" must be a string'],
    ['{"slice": "fr", "input": "q", "output": null, "human_score": 1}', '"output" must be a string'],
    ['{"slice": "fr", "input": "q", "output": "a", "human_score": "4"}', '"human_score" must be a finite number'],
    ['{"slice": "fr", "input": "q", "output": "a", "human_score": 1e999}', '"human_score" must be a finite number'],
    ['{"slice": "fr", "input": "q", "output": "a", "human_score": 9}', 'off the scale [1, 5]'],
  ])('names file:line for %s', (line, message) => {
    const e = errorOf(() => parseAnchors('anchors/q.jsonl', `${good}\n${good}\n${line}\n`, { scale: [1, 5] }));
    expect(e.code).toBe('bad_input');
    expect(e.message).toMatch(/^anchors\/q\.jsonl:3: /);
    expect(e.message).toContain(message);
    expect(e.location).toMatchObject({ file: 'anchors/q.jsonl', line: 3 });
  });

  it('accepts any finite score without a scale', () => {
    expect(parseAnchors('a', '{"slice": "x", "input": "", "output": "", "human_score": -7}')[0]!.humanScore).toBe(-7);
  });

  it('loads a file relative to the project and names a missing one', () => {
    const dir = tempDir('sluice-anchors-');
    writeFileSync(join(dir, 'a.jsonl'), `${good}\n{"slice": "fr"}\n`);
    const e = errorOf(() => loadAnchors(dir, 'a.jsonl'));
    expect(e.message).toMatch(/^a\.jsonl:2: missing "input"/);
    writeFileSync(join(dir, 'b.jsonl'), good);
    expect(loadAnchors(dir, 'b.jsonl')).toHaveLength(1);
    expect(errorOf(() => loadAnchors(dir, 'missing.jsonl', { key: 'judges.quality.anchors' })).message).toContain(
      'judges.quality.anchors: "missing.jsonl"',
    );
  });
});
