import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Counter, type Registry } from 'prom-client';
import type { Finished } from '../../gateway/http/chat.js';
import { readBody } from '../../gateway/http/parse-request.js';
import type { RouteTable } from '../../gateway/routing/route-table.js';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';
import type { IngestMapping } from './core/span-route.js';
import { ingestedRequest } from './ingested-request.js';
import { decodeSpans, type OtlpFormat, otlpFormat } from './otlp-decode.js';
import { encodeTraceResponse } from './otlp-proto.js';

const unzip = promisify(gunzip);

export const OTLP_TRACES_PATH = '/v1/traces';

/** Why an export is refused as a whole; mapped to an HTTP status once, in `send`. */
type IngestProblem = Problem<
  'bad_otlp' | 'unsupported_media_type' | 'method_not_allowed' | 'unauthorized' | 'forbidden' | 'busy'
>;

const STATUS: Record<IngestProblem['code'], number> = {
  bad_otlp: 400,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  unauthorized: 401,
  forbidden: 403,
  busy: 503,
};

/** OpenAI's error types for the refusals that are not the request's fault. */
const ERROR_TYPE: Partial<Record<IngestProblem['code'], string>> = {
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  busy: 'server_error',
};

export interface OtlpIngestOptions {
  readonly routes: RouteTable;
  readonly mapping: IngestMapping;
  /** Larger bodies (before or after gzip) are refused with 400. */
  readonly maxBodyBytes: number;
  /** Hands a span, as a finished request of its route, to the gateway's sinks. */
  readonly record: (f: Finished) => void;
  /** How many more traces the gateway can queue now; an export that does not fit gets 503 (OTLP clients retry). */
  readonly room?: () => number;
  /** Whether the caller may send spans (a viewer token once control-API tokens exist). */
  readonly authorize: (req: IncomingMessage) => Promise<Result<unknown, Problem<'unauthorized' | 'forbidden'>>>;
}

export interface OtlpIngest {
  /** Answers POST /v1/traces; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Publishes sluice_otlp_spans_total and sluice_otlp_refused_total on a registry (the gateway's /metrics). */
  publish(registry: Registry): void;
}

/**
 * `POST /v1/traces`: OTLP/HTTP trace exports (protobuf or JSON, optionally
 * gzipped). GenAI spans carrying their prompt and answer become traces of
 * the route they map to (see core/span-route.ts), recorded like the
 * gateway's own requests; other spans are ignored. A malformed export is
 * refused as a whole with 400 and the reason, and nothing of it is kept; GenAI
 * spans that cannot be placed are reported as OTLP partial success.
 */
export function otlpIngest(o: OtlpIngestOptions): OtlpIngest {
  const spans = new Counter({
    name: 'sluice_otlp_spans_total',
    help: 'Spans received on POST /v1/traces, by what became of them (stored, ignored: not GenAI, no_content, rejected)',
    labelNames: ['outcome'],
    registers: [],
  });
  const refusals = new Counter({
    name: 'sluice_otlp_refused_total',
    help: 'OTLP trace exports refused as a whole, by reason',
    labelNames: ['reason'],
    registers: [],
  });

  async function body(req: IncomingMessage): Promise<Result<Buffer, IngestProblem>> {
    const read = await readBody(req, o.maxBodyBytes);
    if (!read.ok) return err('bad_otlp', read.error.message);
    const encoding = req.headers['content-encoding']?.trim().toLowerCase();
    if (encoding === undefined || encoding === '' || encoding === 'identity') return read;
    if (encoding !== 'gzip')
      return err('unsupported_media_type', `content-encoding ${encoding} is not supported (use gzip or none)`);
    try {
      return ok(await unzip(read.value, { maxOutputLength: o.maxBodyBytes }));
    } catch (e) {
      const why = e instanceof RangeError ? `more than ${o.maxBodyBytes} bytes once unzipped` : 'not valid gzip';
      return err('bad_otlp', `the body is ${why}`);
    }
  }

  async function ingest(req: IncomingMessage, format: OtlpFormat): Promise<Result<Uint8Array | string, IngestProblem>> {
    const allowed = await o.authorize(req);
    if (!allowed.ok) return allowed;
    const raw = await body(req);
    if (!raw.ok) return raw;
    const decoded = decodeSpans(raw.value, format);
    if (!decoded.ok) return decoded;
    // Every span is mapped before any is recorded: a refused export leaves nothing behind.
    const stored: Finished[] = [];
    const reasons = new Map<string, number>();
    let ignored = 0;
    let noContent = 0;
    for (const span of decoded.value) {
      const out = ingestedRequest(span, o.routes, o.mapping);
      if (out.kind === 'stored') stored.push(out.finished);
      else if (out.kind === 'ignored') ignored++;
      else if (out.kind === 'no-content') noContent++;
      else reasons.set(out.reason, (reasons.get(out.reason) ?? 0) + 1);
    }
    const room = o.room?.() ?? Number.POSITIVE_INFINITY;
    if (stored.length > room)
      return err('busy', `the trace queue has room for ${room} spans, the export holds ${stored.length}: retry later`);
    for (const f of stored) o.record(f);
    let rejected = 0;
    for (const n of reasons.values()) rejected += n;
    spans.inc({ outcome: 'stored' }, stored.length);
    if (ignored) spans.inc({ outcome: 'ignored' }, ignored);
    if (noContent) spans.inc({ outcome: 'no_content' }, noContent);
    if (rejected) spans.inc({ outcome: 'rejected' }, rejected);
    const messages = [...reasons].map(([reason, n]) => `${n} span${n === 1 ? '' : 's'}: ${reason}`);
    if (noContent)
      messages.push(
        `${noContent} GenAI span${noContent === 1 ? '' : 's'} without prompt and completion (enable content capture) not kept`,
      );
    const partial = messages.length ? { rejectedSpans: rejected, errorMessage: messages.join('; ') } : undefined;
    if (format === 'protobuf') return ok(encodeTraceResponse(partial));
    return ok(JSON.stringify(partial ? { partialSuccess: partial } : {}));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.url?.split('?', 1)[0] !== OTLP_TRACES_PATH) return false;
    const format = otlpFormat(req.headers['content-type']);
    const result: Result<Uint8Array | string, IngestProblem> =
      req.method !== 'POST'
        ? err('method_not_allowed', `use POST for ${OTLP_TRACES_PATH}`)
        : format === undefined
          ? err('unsupported_media_type', 'send application/x-protobuf or application/json (OTLP/HTTP)')
          : await ingest(req, format);
    if (result.ok) {
      res.writeHead(200, {
        'content-type': format === 'protobuf' ? 'application/x-protobuf' : 'application/json',
        'content-length': Buffer.byteLength(result.value),
      });
      res.end(result.value);
      return true;
    }
    const { code, message } = result.error;
    refusals.inc({ reason: code });
    const text = JSON.stringify({ error: { message, type: ERROR_TYPE[code] ?? 'invalid_request_error', code } });
    res.writeHead(STATUS[code], {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      // A body left unread (refused before reading it) must not be taken for the next request.
      connection: 'close',
      ...(code === 'busy' ? { 'retry-after': '1' } : {}),
    });
    res.end(text);
    return true;
  }

  return {
    handle,
    publish(registry) {
      registry.registerMetric(spans);
      registry.registerMetric(refusals);
    },
  };
}
