import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, RequestSeries, type Observation } from './request-series.js';

const SERIES = ['route', 'release', 'arm'] as const;

function observations(): Observation[] {
  const out: Observation[] = [];
  const seconds = [0.001, 0.005, 0.0051, 0.3, 0.5, 2, 200, 0.02, 0.02];
  seconds.forEach((s, i) => {
    const failed = i % 4 === 3;
    out.push({
      route: i % 2 ? 'legal' : 'medical',
      release: `sha256:${i % 3 ? 'a' : 'b'}`,
      arm: i % 5 ? 'stable' : 'canary',
      status: failed ? 502 : 200,
      seconds: s,
      promptTokens: failed ? 0 : 10 + i,
      completionTokens: failed ? 0 : 3 * i,
      costUsd: failed ? 0 : 0.001 * i,
      ...(failed ? { error: 'upstream_status' } : {}),
    });
  });
  return out;
}

/** The same observations through prom-client's own metrics: what the collectors must print. */
async function reference(obs: readonly Observation[]): Promise<string> {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({
    name: 'sluice_gateway_requests_total',
    help: 'Chat completion requests',
    labelNames: [...SERIES, 'status'],
    registers,
  });
  const errors = new Counter({
    name: 'sluice_gateway_errors_total',
    help: 'Chat completion requests that failed',
    labelNames: [...SERIES, 'code'],
    registers,
  });
  const latency = new Histogram({
    name: 'sluice_gateway_request_duration_seconds',
    help: 'Time from request to the last byte of the answer',
    labelNames: SERIES,
    buckets: [...LATENCY_BUCKETS],
    registers,
  });
  const tokens = new Counter({
    name: 'sluice_gateway_tokens_total',
    help: 'Tokens used, prompt and completion',
    labelNames: [...SERIES, 'kind'],
    registers,
  });
  const cost = new Counter({
    name: 'sluice_gateway_cost_usd_total',
    help: 'Upstream cost in US dollars',
    labelNames: SERIES,
    registers,
  });
  for (const o of obs) {
    const s = [o.route, o.release, o.arm] as const;
    requests.labels(...s, String(o.status)).inc();
    if (o.error) errors.labels(...s, o.error).inc();
    latency.labels(...s).observe(o.seconds);
    if (o.promptTokens) tokens.labels(...s, 'prompt').inc(o.promptTokens);
    if (o.completionTokens) tokens.labels(...s, 'completion').inc(o.completionTokens);
    cost.labels(...s).inc(o.costUsd);
  }
  return registry.metrics();
}

const sorted = (text: string): string[] => text.split('\n').filter(Boolean).sort();

describe('RequestSeries', () => {
  it('prints exactly what prom-client prints for the same requests', async () => {
    const obs = observations();
    const registry = new Registry();
    const series = new RequestSeries();
    series.register(registry);
    for (const o of obs) series.record(o);
    const text = await registry.metrics();
    expect(sorted(text)).toEqual(sorted(await reference(obs)));
    expect(text).toContain(
      'sluice_gateway_request_duration_seconds_bucket{le="0.005",route="medical",release="sha256:b",arm="canary"} 1',
    );
  });

  it('keeps counting between scrapes', async () => {
    const registry = new Registry();
    const series = new RequestSeries();
    series.register(registry);
    const o = observations()[1]!;
    series.record(o);
    await registry.metrics();
    series.record(o);
    expect(await registry.metrics()).toMatch(
      /sluice_gateway_requests_total\{route="legal",release="sha256:a",arm="stable",status="200"\} 2/,
    );
  });
});
