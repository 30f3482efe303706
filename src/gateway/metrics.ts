import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RouteTable } from './route-table.js';

const SERIES = ['route', 'release', 'arm'] as const;

/** Seconds; dense where an LLM answer usually lands. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** The label a request gets before it is routed (unknown routes must not grow the series). */
export const UNROUTED = '';

interface Children {
  /** By status code. */
  readonly requests: Map<number, Counter.Internal>;
  readonly latency: Histogram.Internal<(typeof SERIES)[number]>;
  readonly promptTokens: Counter.Internal;
  readonly completionTokens: Counter.Internal;
  readonly cost: Counter.Internal;
}

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

/**
 * The gateway's Prometheus series, in a registry of their own (never the
 * global one, so several gateways in one process do not collide).
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<(typeof SERIES)[number] | 'status'>;
  private readonly errors: Counter<(typeof SERIES)[number] | 'code'>;
  private readonly latency: Histogram<(typeof SERIES)[number]>;
  private readonly tokens: Counter<(typeof SERIES)[number] | 'kind'>;
  private readonly cost: Counter<(typeof SERIES)[number]>;
  private readonly traceDrops: Counter;
  private readonly children = new Map<string, Children>();

  constructor(routes: RouteTable, traceQueueDepth: () => number = () => 0) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'sluice_gateway_requests_total', help: 'Chat completion requests', labelNames: [...SERIES, 'status'], registers });
    this.errors = new Counter({ name: 'sluice_gateway_errors_total', help: 'Chat completion requests that failed', labelNames: [...SERIES, 'code'], registers });
    this.latency = new Histogram({
      name: 'sluice_gateway_request_duration_seconds',
      help: 'Time from request to the last byte of the answer',
      labelNames: SERIES,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.tokens = new Counter({ name: 'sluice_gateway_tokens_total', help: 'Tokens used, prompt and completion', labelNames: [...SERIES, 'kind'], registers });
    this.cost = new Counter({ name: 'sluice_gateway_cost_usd_total', help: 'Upstream cost in US dollars', labelNames: SERIES, registers });
    this.traceDrops = new Counter({ name: 'sluice_gateway_trace_queue_dropped_total', help: 'Traces dropped because the trace queue was full', registers });
    new Gauge({
      name: 'sluice_gateway_trace_queue_depth',
      help: 'Traces waiting to be written',
      registers,
      collect() {
        this.set(traceQueueDepth());
      },
    });
    new Gauge({
      name: 'sluice_gateway_rollout_weight',
      help: "The canary's share of a route's traffic, percent",
      labelNames: ['route', 'rollout'],
      registers,
      collect() {
        this.reset();
        for (const name of routes.routes()) {
          const r = routes.lookup(name);
          if (r) this.set({ route: name, rollout: r.rolloutId ?? '' }, r.candidate ? r.weight : 0);
        }
      },
    });
  }

  private series(route: string, release: string, arm: string): Children {
    const key = `${route}\0${release}\0${arm}`;
    let c = this.children.get(key);
    if (!c) {
      c = {
        requests: new Map(),
        latency: this.latency.labels(route, release, arm),
        promptTokens: this.tokens.labels(route, release, arm, 'prompt'),
        completionTokens: this.tokens.labels(route, release, arm, 'completion'),
        cost: this.cost.labels(route, release, arm),
      };
      this.children.set(key, c);
    }
    return c;
  }

  /** Records one finished request. */
  observe(o: Observation): void {
    const c = this.series(o.route, o.release, o.arm);
    let requests = c.requests.get(o.status);
    if (!requests) c.requests.set(o.status, (requests = this.requests.labels(o.route, o.release, o.arm, String(o.status))));
    requests.inc();
    c.latency.observe(o.seconds);
    if (o.promptTokens > 0) c.promptTokens.inc(o.promptTokens);
    if (o.completionTokens > 0) c.completionTokens.inc(o.completionTokens);
    if (o.costUsd > 0) c.cost.inc(o.costUsd);
    if (o.error !== undefined) this.errors.labels(o.route, o.release, o.arm, o.error).inc();
  }

  traceDropped(n = 1): void {
    this.traceDrops.inc(n);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
