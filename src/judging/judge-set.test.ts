import { describe, expect, it } from 'vitest';
import { sluiceConfigSchema } from '../config/sluice-schema.js';
import { SluiceError } from '../kernel/errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { createJudgeSet } from './judge-set.js';

const noProviders = (name: string): ModelProvider => {
  throw new Error(`no provider ${name}`);
};
const config = (extra: object) =>
  sluiceConfigSchema.parse({ project: 'p', providers: { up: { kind: 'openai-compatible' } }, ...extra });

describe('createJudgeSet', () => {
  it('builds the gate judge and detectors once, the refusal detector being one of them', () => {
    const set = createJudgeSet(
      config({
        judges: { ref: { kind: 'reference' }, no: { kind: 'refusal' }, fmt: { kind: 'regex', pattern: 'x' } },
        gate: { judge: 'ref', detectors: ['fmt', 'no'] },
      }),
      { projectDir: '.', providers: noProviders },
    );
    expect(set.judge?.name).toBe('ref');
    expect(set.detectors.map((d) => d.name)).toEqual(['fmt', 'no']);
    expect(set.refusal).toBe(set.detectors[1]);
  });

  it('finds a refusal judge outside the detectors, and has none without one', () => {
    const c = config({ judges: { no: { kind: 'refusal' } } });
    expect(createJudgeSet(c, { projectDir: '.', providers: noProviders })).toMatchObject({
      judge: null,
      detectors: [],
      refusal: { name: 'no' },
    });
    expect(createJudgeSet(config({}), { projectDir: '.', providers: noProviders }).refusal).toBeNull();
  });

  it('refuses a gate judge that is not configured', () => {
    const c = config({ gate: { judge: 'missing' } });
    expect(() => createJudgeSet(c, { projectDir: '.', providers: noProviders })).toThrow(SluiceError);
    expect(() => createJudgeSet(c, { projectDir: '.', providers: noProviders })).toThrow(/gate.judge names "missing"/);
  });
});
