import type { BatchQueue } from '../../kernel/batch-queue.js';
import type { FinishedSink } from './finished-sink.js';
import type { IntervalAggregator } from './interval-aggregator.js';
import type { GatewayMetrics } from './metrics.js';
import { toArmSample, toObservation, toRawTrace, type RawTrace } from './record.js';
import type { TraceWriter } from './trace-writer.js';

/** The Prometheus series: counted at once, nothing held. */
export function metricsSink(metrics: GatewayMetrics): FinishedSink {
  return {
    offer: (f) => {
      metrics.observe(toObservation(f));
      if (f.toolCalls) metrics.toolCalls(f.entry.route, f.toolCalls);
    },
    close: async () => {},
  };
}

/** Traces: queued and written in batches; close writes the queue, then closes the writer. */
export function traceSink(traces: BatchQueue<RawTrace>, writer: TraceWriter): FinishedSink {
  return {
    offer: (f) => traces.push(toRawTrace(f, new Date().toISOString())),
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
