import { type Clock, systemClock } from '../../kernel/clock.js';
import type { BatchQueue } from '../../kernel/batch-queue.js';
import type { FinishedSink } from './finished-sink.js';
import type { IntervalAggregator } from './interval-aggregator.js';
import type { GatewayMetrics } from './metrics.js';
import { toArmSample, toObservation, toRawTrace, type RawTrace } from './record.js';
import type { TraceWriter, TraceWriterEvents } from './trace-writer.js';

/** The Prometheus series: counted at once, nothing held. Spans received over OTLP were not served here: not counted. */
export function metricsSink(metrics: GatewayMetrics): FinishedSink {
  return {
    offer: (f) => {
      if (f.endpoint === 'otlp') return;
      metrics.observe(toObservation(f));
      if (f.toolCalls) metrics.toolCalls(f.entry.route, f.toolCalls);
    },
    close: async () => {},
  };
}

/**
 * Traces: queued and written in batches; close writes the queue, then closes
 * the writer. A request whose trace cannot even be serialized is counted as a
 * failed trace; it never fails the request or the sinks after this one.
 */
export function traceSink(
  traces: BatchQueue<RawTrace>,
  writer: TraceWriter,
  events?: TraceWriterEvents,
  clock: Clock = systemClock,
): FinishedSink {
  return {
    offer: (f) => {
      let raw: RawTrace;
      try {
        raw = toRawTrace(f, new Date(clock.now()).toISOString());
      } catch (e) {
        events?.onFailed?.(1);
        events?.onError(
          new Error(`trace ${f.id} could not be serialized: ${e instanceof Error ? e.message : String(e)}`),
        );
        return;
      }
      traces.push(raw);
    },
    close: async () => {
      try {
        await traces.close();
      } finally {
        await writer.close();
      }
    },
  };
}

/** Per-arm interval aggregates: close writes the interval in progress. */
export function intervalSink(intervals: IntervalAggregator): FinishedSink {
  return {
    offer: (f) => {
      const sample = toArmSample(f);
      if (sample) intervals.record(sample);
    },
    close: () => intervals.close(),
  };
}
