import { Counter, Gauge, Registry } from 'prom-client';
import { RequestSeries, type Observation } from './request-series.js';
import type { RouteTable } from '../routing/route-table.js';

export type { Observation };

/** The label a request gets before it is routed (unknown routes must not grow the series). */
export const UNROUTED = '';

/**
 * The gateway's Prometheus series, in a registry of their own (never the
 * global one, so several gateways in one process do not collide). The
 * per-request series are running totals read at scrape time (request-series.ts).
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new RequestSeries();
  private readonly traceDrops: Counter;

  constructor(routes: RouteTable, traceQueueDepth: () => number = () => 0) {
    const registers = [this.registry];
    this.requests.register(this.registry);
    this.traceDrops = new Counter({
      name: 'sluice_gateway_trace_queue_dropped_total',
      help: 'Traces dropped because the trace queue was full',
      registers,
    });
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

  /** Records one finished request. */
  observe(o: Observation): void {
    this.requests.record(o);
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
