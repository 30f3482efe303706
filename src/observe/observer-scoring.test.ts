import { clockOf } from '../kernel/clock.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../audit/ledger/open-ledger.js';
import { sluiceConfigSchema, type SluiceConfig } from '../config/sluice-schema.js';
import type { ItemMeasure } from '../gate/core/measurement.js';
import { runItems } from '../gate/run-items.js';
import type { SuiteItem } from '../gate/suite.js';
import type { Finished } from '../gateway/http/chat.js';
import { registry, servingRelease } from '../gateway/test-support/gateway-fixture.js';
import type { Judge, JudgeInput } from '../judging/judge.js';
import { createJudgeSet, type JudgeSet } from '../judging/judge-set.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import type { ReleaseId } from '../release/resolved-manifest.js';
import type { Store } from '../store/store.js';
import { STORE_FACTORIES } from '../store/test-support/store-factories.js';
import { aggregateWindows } from './core/windows.js';
import { detectorCeilingsFromConfig, evaluateWindow } from './core/band.js';
import { Observer } from './observer.js';
import { tempDir } from '../kernel/test-support/temp-dir.js';

const ROUTE = 'support';
const RELEASE = servingRelease(ROUTE, 'legal-v1');
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** A project with a detector of every kind the judges offer without a model. */
function project(): { dir: string; config: SluiceConfig } {
  const dir = tempDir('sluice-scoring-');
  writeFileSync(
    join(dir, 'answer.schema.json'),
    JSON.stringify({ type: 'object', required: ['answer'], properties: { answer: { type: 'string' } } }),
  );
  const config = sluiceConfigSchema.parse({
    project: 'scoring',
    providers: { up: { kind: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1' } },
    judges: {
      refusal: { kind: 'refusal' },
      dates: { kind: 'date-validity' },
      format: { kind: 'regex', pattern: '^\\{', max_rate: 0.5 },
      schema: { kind: 'json-schema', schema: 'answer.schema.json', max_rate: 0.5 },
      mentions: { kind: 'contains', values: ['answer'] },
      exact: { kind: 'exact' },
      reference: { kind: 'reference' },
    },
    gate: { detectors: ['refusal', 'dates', 'format', 'schema', 'mentions', 'exact', 'reference'] },
    observe: { sample_rate: 1, window_seconds: 60 },
  });
  return { dir, config };
}

/** Answers of every sort: JSON that passes the schema, JSON that does not, prose, refusals, impossible dates. */
const ANSWERS = [
  '{"answer": "Open Settings, then Security."}',
  '{"answer": 42}',
  'Open Settings, then Security.',
  "I'm sorry, but I can't help with that.",
  'Your order ships on Thursday March 32nd.',
  '{"answer": "I cannot help with that, please consult an attorney."}',
  'The answer is in the FAQ.',
];

const finished = (i: number, output: string, input: string): Finished =>
  ({
    id: `req-${i}`,
    entry: { route: ROUTE },
    release: RELEASE,
    arm: 'stable',
    status: 200,
    slice: undefined,
    messages: [{ role: 'user', content: `  RAW question ${i}  ` }],
    input,
    output,
  }) as unknown as Finished;

async function observe(
  config: SluiceConfig,
  dir: string,
  answers: readonly string[],
  judges?: JudgeSet,
): Promise<Store> {
  const s = await STORE_FACTORIES[0]!.open();
  store = s;
  const observer = new Observer({
    store: s,
    config,
    projectDir: dir,
    providers: new ProviderRegistry(config, { projectDir: dir, env: {} }),
    ledger: openLedger(s, config, dir, {}),
    clock: clockOf(() => T0 + 1_000),
    ...(judges ? { judges } : {}),
  });
  for (const [i, output] of answers.entries()) observer.offer(finished(i, output, `question ${i}`));
  await observer.drain();
  return s;
}

const flagCounts = (flags: readonly Readonly<Record<string, boolean>>[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const f of flags)
    for (const [name, flagged] of Object.entries(f)) out[name] = (out[name] ?? 0) + (flagged ? 1 : 0);
  return out;
};

describe('the observer scores answers as the gate does', () => {
  it('counts a regex and a JSON-schema detector, so their ceilings can trip', async () => {
    const { dir, config } = project();
    const answers = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? '{"answer": "fine"}' : 'plain prose'));
    const s = await observe(config, dir, answers);
    const rows = await s.observeSamples(RELEASE.id, T0, T0 + 60_000);
    expect(rows).toHaveLength(40);
    const [window] = aggregateWindows(
      rows.map((r) => ({ ...r, release: r.releaseId as ReleaseId })),
      60,
    );
    const evaluation = evaluateWindow(window!, {
      minQuality: 0,
      qualityDrop: 1,
      detectorCeilings: detectorCeilingsFromConfig(config),
    });
    expect(detectorCeilingsFromConfig(config)).toMatchObject({ format: 0.5, schema: 0.5 });
    expect(evaluation.detectors.format).toMatchObject({ flagged: 30, checked: 40, breach: true });
    expect(evaluation.detectors.schema).toMatchObject({ flagged: 30, checked: 40, breach: true });
    expect(evaluation.status).toBe('breach');
    expect(evaluation.reasons.join('\n')).toMatch(/detector format flagged 75%/);
  });

  it('gives the same flag counts as the gate on the same answers, for every detector kind', async () => {
    const { dir, config } = project();
    const s = await observe(config, dir, ANSWERS);
    const observed = await s.observeSamples(RELEASE.id, T0, T0 + 60_000);
    expect(observed).toHaveLength(ANSWERS.length);

    // The gate on the same answers and inputs: served once (cached outputs), then judged.
    await s.putGateOutputs(
      ANSWERS.map((text, i) => ({
        releaseId: RELEASE.id,
        itemId: `item-${i}`,
        sample: 0,
        output: { input: `question ${i}`, text, latencyMs: 10, costUsd: 0, tokens: 1 },
      })),
    );
    const items: SuiteItem[] = ANSWERS.map((_, i) => ({
      id: `item-${i}`,
      slice: '*',
      messages: [{ role: 'user', content: `question ${i}` }],
      vars: {},
      line: i + 1,
    }));
    const measured: ItemMeasure[] = [];
    const providers = registry('http://127.0.0.1:9/v1');
    const judges = createJudgeSet(config, { projectDir: dir, providers: (p) => providers.get(p) });
    const run = await runItems(
      { store: s, deps: { providers }, release: RELEASE, baseline: null, items, total: items.length, judges },
      { concurrency: 2, onItem: (m) => measured.push(m) },
    );
    expect(run.providerCalls).toBe(0);

    const gate = flagCounts(measured.map((m) => m.candidate.flags));
    const observer = flagCounts(observed.map((r) => r.flags));
    expect(observer).toEqual(gate);
    // Every kind that can judge without a reference is counted, binary ones included.
    expect(gate).toEqual({ refusal: 2, dates: 1, format: 4, schema: 5, mentions: 3 });
  });

  it('judges the input the gateway served (after preprocessing), not the raw messages', async () => {
    const { dir, config } = project();
    const seen: string[] = [];
    const recording: Judge = {
      name: 'quality',
      kind: 'recording',
      digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
      async score(input: JudgeInput) {
        seen.push(input.input);
        return { ok: true, score: 1 };
      },
    };
    await observe(config, dir, ['an answer'], { judge: recording, detectors: [], refusal: null });
    expect(seen).toEqual(['question 0']);
  });

  it('counts a judge that throws as a judge error, never a score', async () => {
    const { dir, config } = project();
    const failing: Judge = {
      name: 'quality',
      kind: 'failing',
      digest: 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
      async score() {
        throw new Error('judge down');
      },
    };
    const s = await observe(config, dir, ['an answer'], { judge: failing, detectors: [], refusal: null });
    const [row] = await s.observeSamples(RELEASE.id, T0, T0 + 60_000);
    expect(row).toMatchObject({ quality: null, judgeError: true });
  });
});
