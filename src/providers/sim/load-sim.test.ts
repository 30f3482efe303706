import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { qualityFor } from './behaviour.js';
import { loadSimSpec, parseSimFile } from './load-sim.js';
import { tempDir } from '../../kernel/test-support/temp-dir.js';

const dir = tempDir('sluice-sim-');
mkdirSync(join(dir, 'suites'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): void {
  writeFileSync(join(dir, name), text);
}

const SIM_YAML = `knowledge: suites/legal.jsonl
models:
  legal-v1:
    quality: { "*": 0.85, legal/ip-licensing: 0.41 }
    latency_ms: { median: 300, p95: 800 }
    rules:
      - { when: { system_lacks: "refuse" }, slices: [safety], quality: 0.2 }
  tiny: { quality: 0.5 }
`;

describe('loadSimSpec', () => {
  it('reads the models file and the knowledge it points to, relative to the project', () => {
    write('sim.yaml', SIM_YAML);
    write(
      'suites/legal.jsonl',
      [
        '{"id": "a", "slice": "legal/ip-licensing", "input": "May I sublicense?", "reference": "Only with written consent."}',
        '',
        '{"id": "b", "slice": "legal", "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}, {"role": "user", "content": "Notice period?"}]}',
      ].join('\n'),
    );
    const spec = loadSimSpec('sim.yaml', dir);
    expect(Object.keys(spec.file!.models)).toEqual(['legal-v1', 'tiny']);
    expect(spec.file!.models.tiny!.quality).toEqual({ '*': 0.5 });
    expect(spec.knowledge.find('May I sublicense?')).toEqual({
      input: 'May I sublicense?',
      slice: 'legal/ip-licensing',
      reference: 'Only with written consent.',
    });
    expect(spec.knowledge.find('notice  period?')?.slice).toBe('legal');
  });

  it('names file, line and key for a bad models file', () => {
    write('bad.yaml', 'models:\n  m:\n    quality: 0.5\n    latency: { median: 1, p95: 2 }\n');
    expect(() => loadSimSpec('bad.yaml', dir)).toThrow(/^bad\.yaml:4:\d+: models\.m\.latency: unknown key "latency"/);
    write('bad-rule.yaml', 'models:\n  m:\n    rules:\n      - { when: { matches: "([" }, quality: 0.1 }\n');
    expect(() => loadSimSpec('bad-rule.yaml', dir)).toThrow(/^bad-rule\.yaml:4:.*regular expression/);
    write('bad-q.yaml', 'models:\n  m:\n    quality: { "*": 1.5 }\n');
    expect(() => loadSimSpec('bad-q.yaml', dir)).toThrow(/^bad-q\.yaml:3:/);
  });

  it('names file and line for bad knowledge, and a missing file', () => {
    write('k.yaml', 'knowledge: suites/broken.jsonl\nmodels: { m: {} }\n');
    write('suites/broken.jsonl', '{"input": "ok", "slice": "x"}\n{"input": \n');
    expect(() => loadSimSpec('k.yaml', dir)).toThrow(/^suites\/broken\.jsonl:2: invalid JSON/);
    expect(() => loadSimSpec('missing.yaml', dir)).toThrow(/^missing\.yaml: "missing\.yaml": no such file/);
  });

  it('accepts a parsed object, and no file at all', () => {
    expect(parseSimFile({ models: { m: { hedging_rate: 0.1 } } }).models.m!.hedging_rate).toBe(0.1);
    expect(() => parseSimFile({ models: { m: { hedging_rate: 2 } } })).toThrow(/models\.m\.hedging_rate/);
    expect(loadSimSpec(undefined, dir).file).toBeUndefined();
  });
});

describe('qualityFor', () => {
  it('takes the most specific prefix: fr/fr-BE, then fr, then *', () => {
    const q = { '*': 0.8, fr: 0.7, 'fr/fr-BE': 0.4 };
    expect(qualityFor(q, 'fr/fr-BE')).toBe(0.4);
    expect(qualityFor(q, 'fr/fr-BE/brussels')).toBe(0.4);
    expect(qualityFor(q, 'fr/fr-CA')).toBe(0.7);
    expect(qualityFor(q, 'frx')).toBe(0.8);
    expect(qualityFor(q, '*')).toBe(0.8);
    expect(qualityFor({ fr: 0.7 }, 'de')).toBe(0.8);
  });
});
