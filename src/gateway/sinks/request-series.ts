import type { Registry } from 'prom-client';

/** Seconds; dense where an LLM answer usually lands. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

export interface Observation {
  readonly route: string;
  readonly release: string;
  readonly arm: string;
  readonly status: number;
  readonly seconds: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  /** Set for failures: the error code (upstream_timeout, invalid_json…). */
  readonly error?: string;
}

type Labels = Readonly<Record<string, string | number>>;

/** One (route, release, arm)'s running totals: plain numbers, updated without allocating. */
class Totals {
  readonly requests = new Map<number, number>();
  readonly errors = new Map<string, number>();
  /** Per bucket (not cumulative); the last slot is past the largest bound. */
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length + 1);
  sum = 0;
  count = 0;
  promptTokens = 0;
  completionTokens = 0;
  costUsd = 0;
  constructor(readonly labels: Labels) {}
}

interface Value {
  readonly labels: Labels;
  readonly sharedLabels?: Labels;
  readonly value: number;
  readonly metricName?: string;
}

/**
 * The gateway's per-request series, kept as running numbers per (route,
 * release, arm) and turned into Prometheus values only when scraped: a
 * request costs a few additions, not a label hash per metric. Published in a
 * prom-client registry as collectors (name, help, type, get), so /metrics
 * reads them beside prom-client's own metrics.
 */
export class RequestSeries {
  private readonly totals = new Map<string, Totals>();

  record(o: Observation): void {
    const key = `${o.route}\0${o.release}\0${o.arm}`;
    let t = this.totals.get(key);
    if (!t) {
      t = new Totals({ route: o.route, release: o.release, arm: o.arm });
      this.totals.set(key, t);
    }
    t.requests.set(o.status, (t.requests.get(o.status) ?? 0) + 1);
    if (o.error !== undefined) t.errors.set(o.error, (t.errors.get(o.error) ?? 0) + 1);
    let b = 0;
    while (b < LATENCY_BUCKETS.length && o.seconds > LATENCY_BUCKETS[b]!) b++;
    t.buckets[b]!++;
    t.sum += o.seconds;
    t.count++;
    t.promptTokens += o.promptTokens;
    t.completionTokens += o.completionTokens;
    t.costUsd += o.costUsd;
  }

  register(registry: Registry): void {
    const all = (): Totals[] => [...this.totals.values()];
    this.collector(registry, 'sluice_gateway_requests_total', 'Chat completion requests', 'counter', () =>
      all().flatMap((t) => [...t.requests].map(([status, value]) => ({ labels: { ...t.labels, status }, value }))),
    );
    this.collector(registry, 'sluice_gateway_errors_total', 'Chat completion requests that failed', 'counter', () =>
      all().flatMap((t) => [...t.errors].map(([code, value]) => ({ labels: { ...t.labels, code }, value }))),
    );
    this.collector(
      registry,
      'sluice_gateway_request_duration_seconds',
      'Time from request to the last byte of the answer',
      'histogram',
      () => all().flatMap((t) => histogramValues('sluice_gateway_request_duration_seconds', t)),
    );
    this.collector(registry, 'sluice_gateway_tokens_total', 'Tokens used, prompt and completion', 'counter', () =>
      all().flatMap((t) => [
        ...(t.promptTokens > 0 ? [{ labels: { ...t.labels, kind: 'prompt' }, value: t.promptTokens }] : []),
        ...(t.completionTokens > 0 ? [{ labels: { ...t.labels, kind: 'completion' }, value: t.completionTokens }] : []),
      ]),
    );
    this.collector(registry, 'sluice_gateway_cost_usd_total', 'Upstream cost in US dollars', 'counter', () =>
      all().map((t) => ({ labels: t.labels, value: t.costUsd })),
    );
  }

  private collector(
    registry: Registry,
    name: string,
    help: string,
    type: 'counter' | 'histogram',
    values: () => Value[],
  ): void {
    const metric = {
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
      reset: () => {},
    };
    registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  }
}

/** Prometheus histogram lines for one series: cumulative buckets (le first, as prom-client writes them), +Inf, sum, count. */
function histogramValues(name: string, t: Totals): Value[] {
  const out: Value[] = [];
  let acc = 0;
  LATENCY_BUCKETS.forEach((le, i) => {
    acc += t.buckets[i]!;
    out.push({ labels: { le }, sharedLabels: t.labels, value: acc, metricName: `${name}_bucket` });
  });
  out.push({ labels: { le: '+Inf' }, sharedLabels: t.labels, value: t.count, metricName: `${name}_bucket` });
  out.push({ labels: {}, sharedLabels: t.labels, value: t.sum, metricName: `${name}_sum` });
  out.push({ labels: {}, sharedLabels: t.labels, value: t.count, metricName: `${name}_count` });
  return out;
}
