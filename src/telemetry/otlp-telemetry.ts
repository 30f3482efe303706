import {
  type Histogram,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api-logs';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Finished } from '../gateway/http/chat.js';
import type { FinishedSink } from '../gateway/sinks/finished-sink.js';
import type { EvaluationSink, JudgedAnswer } from '../observe/evaluation-sink.js';
import { EVALUATION_EVENT, evaluationEvents } from './core/evaluation-events.js';
import { genAiSpan } from './core/gen-ai-span.js';
import { otlpLoggerProvider, otlpResource } from './otlp-resource.js';
import type { OtlpSettings } from './otlp-settings.js';
import { callerContext } from './trace-context.js';

/** Bucket boundaries the GenAI conventions advise: seconds for durations, counts for tokens. */
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** Finished requests waiting to become spans; past it they are dropped (and counted). */
const PENDING_CAPACITY = 10_000;
/** Queued requests are made into spans every DRAIN_MS, or at once when DRAIN_BATCH are waiting: a batch at a time. */
const DRAIN_MS = 100;
const DRAIN_BATCH = 256;
/** Span contexts kept for the observer's evaluation events (judged seconds after the answer). */
const KEPT_CONTEXTS = 4096;

export interface OtlpTelemetryOptions extends OtlpSettings {
  /** service.version and service.instance.id of the resource. */
  readonly serviceVersion?: string;
  readonly instanceId?: string;
  readonly onError?: (e: unknown) => void;
}

/**
 * Sluice's OpenTelemetry export over OTLP/HTTP with the official JS SDK: a
 * GenAI client span per gateway request (continuing the caller's
 * traceparent), the GenAI client metrics, and each observer judgement as a
 * `gen_ai.evaluation.result` event parented to the span it judged.
 *
 * Off the hot path: `offer` only queues the finished request; spans and
 * measurements are made a batch at a time on a later turn of the event
 * loop, and the SDK's batch processors export them. Created only when an
 * endpoint is configured, so without one nothing of this exists.
 */
export class OtlpTelemetry implements FinishedSink, EvaluationSink {
  private readonly tracerProvider: BasicTracerProvider;
  private readonly meterProvider: MeterProvider;
  private readonly loggerProvider: LoggerProvider;
  private readonly tracer: Tracer;
  private readonly logger: Logger;
  private readonly duration: Histogram;
  private readonly tokens: Histogram;
  private readonly firstChunk: Histogram;
  private pending: { f: Finished; endMs: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly contexts = new Map<string, SpanContext>();
  /** Requests dropped because the queue was full. */
  dropped = 0;

  constructor(private readonly o: OtlpTelemetryOptions) {
    const resource = otlpResource(o, {
      ...(o.serviceVersion ? { serviceVersion: o.serviceVersion } : {}),
      ...(o.instanceId ? { instanceId: o.instanceId } : {}),
    });
    this.tracerProvider = new BasicTracerProvider({
      resource,
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${o.endpoint}/v1/traces` }))],
    });
    this.meterProvider = new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: `${o.endpoint}/v1/metrics` }),
          ...(o.metricIntervalMs !== undefined ? { exportIntervalMillis: o.metricIntervalMs } : {}),
        }),
      ],
    });
    this.loggerProvider = otlpLoggerProvider(o, resource);
    this.tracer = this.tracerProvider.getTracer('sluice', o.serviceVersion);
    this.logger = this.loggerProvider.getLogger('sluice', o.serviceVersion);
    const meter = this.meterProvider.getMeter('sluice', o.serviceVersion);
    this.duration = meter.createHistogram('gen_ai.client.operation.duration', {
      unit: 's',
      description: 'GenAI operation duration',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.tokens = meter.createHistogram('gen_ai.client.token.usage', {
      unit: '{token}',
      description: 'Number of input and output tokens used',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    this.firstChunk = meter.createHistogram('gen_ai.client.operation.time_to_first_chunk', {
      unit: 's',
      description: 'Time to receive the first chunk of a streamed answer',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
  }

  /** Queues a finished request (cheap, synchronous). Requests Sluice did not serve itself (OTLP in) are not exported again. */
  offer(f: Finished): void {
    if (f.endpoint === 'otlp') return;
    if (this.pending.length >= PENDING_CAPACITY) {
      this.dropped++;
      return;
    }
    this.pending.push({ f, endMs: Date.now() });
    if (!this.timer) this.timer = setTimeout(() => this.drain(), DRAIN_MS).unref();
    else if (this.pending.length === DRAIN_BATCH) setImmediate(() => this.drain());
  }

  /** Turns the queued requests into spans and measurements. */
  private drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    for (const { f, endMs } of batch) {
      try {
        this.record(f, endMs);
      } catch (e) {
        this.o.onError?.(e);
      }
    }
  }

  private record(f: Finished, endMs: number): void {
    const s = genAiSpan(f, endMs);
    const span = this.tracer.startSpan(
      s.name,
      { kind: SpanKind.CLIENT, startTime: s.startMs, attributes: s.attributes },
      callerContext(f.traceparent, f.tracestate),
    );
    if (s.errorType !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: s.errorType });
    span.end(s.endMs);
    this.contexts.set(f.id, span.spanContext());
    if (this.contexts.size > KEPT_CONTEXTS) this.contexts.delete(this.contexts.keys().next().value!);
    const attrs = s.metricAttributes;
    this.duration.record((s.endMs - s.startMs) / 1000, attrs);
    if (s.inputTokens !== undefined) this.tokens.record(s.inputTokens, { ...attrs, 'gen_ai.token.type': 'input' });
    if (s.outputTokens !== undefined) this.tokens.record(s.outputTokens, { ...attrs, 'gen_ai.token.type': 'output' });
    if (s.firstChunkSeconds !== undefined) this.firstChunk.record(s.firstChunkSeconds, attrs);
  }

  /** The observer's judgement of an answer: `gen_ai.evaluation.result` events, parented to its span when still known. */
  judged(a: JudgedAnswer): void {
    try {
      // A judge can answer before the queued requests were made into spans: make them now, to parent the events.
      if (!this.contexts.has(a.id) && this.pending.length > 0) this.drain();
      const known = this.contexts.get(a.id);
      const context = known ? trace.setSpanContext(ROOT_CONTEXT, known) : ROOT_CONTEXT;
      const timestamp = Date.now();
      for (const attributes of evaluationEvents(a))
        this.logger.emit({ eventName: EVALUATION_EVENT, attributes, context, timestamp });
    } catch (e) {
      this.o.onError?.(e);
    }
  }

  /** Makes the queued requests into spans and exports everything held now. */
  async flush(): Promise<void> {
    this.drain();
    await Promise.all([
      this.tracerProvider.forceFlush(),
      this.meterProvider.forceFlush(),
      this.loggerProvider.forceFlush(),
    ]);
  }

  /** Exports what is held, then stops the SDK's processors and readers. */
  async close(): Promise<void> {
    this.drain();
    await Promise.allSettled([
      this.tracerProvider.shutdown(),
      this.meterProvider.shutdown(),
      this.loggerProvider.shutdown(),
    ]);
  }
}
