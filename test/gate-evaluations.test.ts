import { afterEach, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from '../src/telemetry/test-support/otlp-receiver.js';
import { runCli, starterProject } from './support/cli.js';

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
});

describe('gate verdicts over OpenTelemetry', () => {
  it('sends the verdict of the release and of each slice as gen_ai.evaluation.result events', async () => {
    receiver = await startOtlpReceiver();
    const dir = starterProject();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'sluice-ci' };
    const id = (await runCli(['register', 'release.yaml', '--json'], { cwd: dir, env })).json<{ id: string }>().id;
    const gate = await runCli(['gate', id, '--json'], { cwd: dir, env });
    const result = gate.json<{
      verdict: string;
      aggregate: { score: number };
      slices: { slice: string; verdict: string; score: number }[];
    }>();
    const events = receiver.logs().filter((l) => l.eventName === 'gen_ai.evaluation.result');
    expect(events.length).toBe(result.slices.length + 1);
    for (const e of events) {
      expect(e.attributes.get('gen_ai.evaluation.name')).toBe('sluice.gate');
      expect(e.attributes.get('sluice.release')).toBe(id);
    }
    const overall = events.find((e) => !e.attributes.has('sluice.slice'))!;
    expect(overall.attributes.get('gen_ai.evaluation.score.label')).toBe(result.verdict);
    expect(overall.attributes.get('gen_ai.evaluation.score.value')).toBeCloseTo(result.aggregate.score, 10);
    for (const s of result.slices) {
      const e = events.find((x) => x.attributes.get('sluice.slice') === s.slice)!;
      expect(e.attributes.get('gen_ai.evaluation.score.label')).toBe(s.verdict);
    }
  });
});
