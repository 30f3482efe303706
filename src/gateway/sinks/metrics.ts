import { Counter, Gauge, Registry } from 'prom-client';
import { RequestSeries, type Observation } from './request-series.js';
import type { RouteTable } from '../routing/route-table.js';
import type { ToolCall } from '../../kernel/tool-calls.js';
import { isRecord, tryParse } from '../../providers/http/json-access.js';

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
  private readonly traceFailures: Counter;
  private readonly invalidArguments: Counter;

  constructor(routes: RouteTable, traceQueueDepth: () => number = () => 0, bodyBytesInFlight: () => number = () => 0) {
    const registers = [this.registry];
    this.requests.register(this.registry);
    this.traceDrops = new Counter({
      name: 'sluice_gateway_trace_queue_dropped_total',
      help: 'Traces dropped: the trace queue was full, or the store did not take their batch within the retries',
      registers,
    });
    this.traceFailures = new Counter({
      name: 'sluice_gateway_trace_failed_total',
      help: 'Traces that could not be stored on their own (not serializable, or refused by the store); the rest of their batch was stored',
      registers,
    });
    this.invalidArguments = new Counter({
      name: 'sluice_gateway_tool_call_invalid_arguments_total',
      help: 'Tool calls an upstream answered with arguments that are not a JSON object (passed to the client unchanged)',
      labelNames: ['route'],
      registers,
    });
    new Gauge({
      name: 'sluice_gateway_body_bytes_in_flight',
      help: 'Request-body bytes held by requests being served (bounded by gateway.max_body_bytes_in_flight)',
      registers,
      collect() {
        this.set(bodyBytesInFlight());
      },
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

  /** Counts the answer's tool calls whose arguments are not a JSON object. */
  toolCalls(route: string, calls: readonly ToolCall[]): void {
    let bad = 0;
    for (const c of calls) if (!isRecord(tryParse(c.function.arguments))) bad++;
    if (bad) this.invalidArguments.inc({ route }, bad);
  }

  traceDropped(n = 1): void {
    this.traceDrops.inc(n);
  }

  traceFailed(n = 1): void {
    this.traceFailures.inc(n);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
