import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { attributeMap, type Plain } from '../ingest/core/attribute-values.js';
import { type IngestSpan, decodeSpans } from '../ingest/otlp-decode.js';
import { keyValueSchema } from '../ingest/otlp-schema.js';

/** One OTLP/HTTP export as a collector received it. */
export interface Received {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/** A real OTLP/HTTP collector on loopback that keeps every export it gets (and answers 200). */
export interface OtlpReceiver {
  readonly url: string;
  readonly received: Received[];
  spans(): IngestSpan[];
  metrics(): MetricView[];
  logs(): LogView[];
  close(): Promise<void>;
}

const dataPoint = z.looseObject({
  attributes: z.array(keyValueSchema).optional(),
  count: z.union([z.number(), z.string()]).optional(),
  sum: z.number().optional(),
});
const metricsRequest = z.object({
  resourceMetrics: z.array(
    z.object({
      scopeMetrics: z.array(
        z.object({
          metrics: z.array(
            z.looseObject({
              name: z.string(),
              unit: z.string().optional(),
              histogram: z.object({ dataPoints: z.array(dataPoint) }).optional(),
            }),
          ),
        }),
      ),
    }),
  ),
});
const logsRequest = z.object({
  resourceLogs: z.array(
    z.object({
      scopeLogs: z.array(
        z.object({
          logRecords: z.array(
            z.looseObject({
              eventName: z.string().optional(),
              traceId: z.string().optional(),
              spanId: z.string().optional(),
              attributes: z.array(keyValueSchema).optional(),
            }),
          ),
        }),
      ),
    }),
  ),
});

export interface MetricView {
  readonly name: string;
  readonly unit: string | undefined;
  readonly points: { attributes: ReadonlyMap<string, Plain>; count: number; sum: number }[];
}

export interface LogView {
  readonly eventName: string | undefined;
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  readonly attributes: ReadonlyMap<string, Plain>;
}

async function read(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  const body = Buffer.concat(parts);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    void read(req).then((body) => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const json = (path: string) =>
    received.filter((r) => r.path === path).map((r) => JSON.parse(r.body.toString('utf8')));
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    spans() {
      return received
        .filter((r) => r.path === '/v1/traces')
        .flatMap((r) => {
          const d = decodeSpans(r.body, r.contentType.includes('protobuf') ? 'protobuf' : 'json');
          if (!d.ok) throw new Error(d.error.message);
          return d.value;
        });
    },
    metrics() {
      return json('/v1/metrics').flatMap((body) =>
        metricsRequest
          .parse(body)
          .resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
          .map((m) => ({
            name: m.name,
            unit: m.unit,
            points: (m.histogram?.dataPoints ?? []).map((p) => ({
              attributes: attributeMap(p.attributes),
              count: Number(p.count ?? 0),
              sum: p.sum ?? 0,
            })),
          })),
      );
    },
    logs() {
      return json('/v1/logs').flatMap((body) =>
        logsRequest
          .parse(body)
          .resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords))
          .map((l) => ({
            eventName: l.eventName,
            traceId: l.traceId,
            spanId: l.spanId,
            attributes: attributeMap(l.attributes),
          })),
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
