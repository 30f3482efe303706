import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { ShadowStore } from '../shadow/shadow-store.js';
import type { TraceStore } from './trace-store.js';
import { handleChat, type ChatContext, type Finished } from './http/chat.js';
import { GatewayError, notFound, toGatewayError } from './http/errors.js';
import { IntervalAggregator } from './sinks/interval-aggregator.js';
import { GatewayMetrics, UNROUTED } from './sinks/metrics.js';
import { metricsGuard } from './auth/metrics-auth.js';
import { DEFAULT_MAX_BODY_BYTES } from './http/parse-request.js';
import { BodyBudget } from './http/body-budget.js';
import type { RawTrace, TraceKeeping } from './sinks/record.js';
import { BUILT_IN_REDACTOR } from './sinks/redact.js';
import { intervalSink, metricsSink, traceSink } from './sinks/gateway-sinks.js';
import type { FinishedSink } from './sinks/finished-sink.js';
import { closeInReverse } from '../kernel/close-in-reverse.js';
import type { Clock } from '../kernel/clock.js';
import { modelsBody, REQUEST_ID_HEADER, sendError, sendJson } from './http/respond.js';
import { refusalId } from './http/request-id.js';
import type { RouteTable } from './routing/route-table.js';
import { ShadowMirror, type ShadowOptions } from '../shadow/mirror.js';
import type { StickySpec } from './routing/sticky.js';
import { BatchQueue, type BatchQueueOptions, DEFAULT_QUEUE_CAPACITY } from '../kernel/batch-queue.js';
import { storeTraceWriter, type TraceWriter, type TraceWriterEvents } from './sinks/trace-writer.js';
import { type AuthMode, authenticate, type Caller, type ClientAuth, routeAllowed } from './auth/client-auth.js';
import { type KeyTable, memoryKeyTable } from './auth/gateway-keys.js';
import { KeyRateLimit } from './auth/key-rate-limit.js';
import { aboutBody, LEGACY_COMPLETIONS, RESPONSES_NOT_STORED, sendModel } from './http/about.js';
import { handleEmbeddings } from './http/embeddings.js';
import { handleResponses } from './http/responses.js';

export interface GatewayOptions {
  readonly routes: RouteTable;
  readonly providers: ProviderRegistry;
  /**
   * Where traces and per-interval aggregates go; without it neither is kept.
   * With `insertShadowPairs` too, routes with a shadow are mirrored and the pairs stored.
   */
  readonly store?: Pick<TraceStore, 'insertTraces' | 'putArmIntervals'> &
    Partial<Pick<ShadowStore, 'insertShadowPairs'>>;
  /**
   * Makes where trace batches go instead of `store.insertTraces` on this
   * thread (`sluice serve` writes them on a worker thread). Closed with the gateway.
   */
  readonly traceWriter?: (events: TraceWriterEvents, keeping: TraceKeeping) => TraceWriter;
  /**
   * How traces and shadow pairs are kept: the redactor (built-in rules plus
   * sluice.yaml's gateway.redact) and the project's sticky-hash key. Default:
   * the built-in rules and a key made for this gateway alone (hashes then do
   * not survive a restart: `sluice serve` passes the project's).
   */
  readonly keeping?: TraceKeeping;
  /** shadow: from sluice.yaml (strip_tools, max_requests_per_minute). */
  readonly shadow?: ShadowOptions;
  /** gateway.sticky from sluice.yaml. Default 'user'. */
  readonly sticky?: StickySpec;
  /** The trace queue: capacity (default 10,000), batch size, flush delay. */
  readonly traceQueue?: Omit<BatchQueueOptions, 'onDrop' | 'onError'>;
  /** rollout.interval_seconds: how often per-arm aggregates are written. Default 10. */
  readonly intervalSeconds?: number;
  /** This process's id in arm_intervals. Default hostname:pid:random. */
  readonly gatewayId?: string;
  /** Larger request bodies get 413. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Request-body bytes held at once across requests; past it a request gets 503 with retry-after. Default 32 MiB. */
  readonly maxBodyBytesInFlight?: number;
  /** How long close() lets requests in flight finish before cutting them. Default 10 s. */
  readonly closeGraceMs?: number;
  /** Background failures: trace and interval writes. */
  readonly onError?: (e: unknown) => void;
  /** Draws the bucket of a request without a sticky key. */
  readonly random?: () => number;
  /** Stamps traces and places requests in their intervals (the rollout controller's evidence). Default: system time. */
  readonly clock?: Clock;
  /** Mounted before the gateway's own endpoints but POST /v1/chat/completions (the control API under /api/); true when it answered. */
  readonly extra?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** A bearer token GET /metrics then requires (compared in constant time); without it /metrics is open. */
  readonly metricsToken?: string;
  /**
   * More sinks for every routed request, after the gateway's own (metrics,
   * intervals, traces, shadow): the observer's sampler. Closed with the gateway,
   * in reverse order of creation, after the requests in flight finished.
   */
  readonly sinks?: readonly FinishedSink[];
  /**
   * Client authentication (gateway keys) for every /v1 endpoint. Default:
   * optional, with no keys (every call served anonymously).
   */
  readonly auth?: {
    readonly mode: AuthMode;
    readonly keys: KeyTable;
    /** gateway.forward_client_auth. Default false: provider keys never come from the client. */
    readonly forwardClientAuth?: boolean;
    /** The clock of the per-key rate limits (ms). */
    readonly now?: () => number;
  };
  /** GET /readyz: undefined when ready, else why not (the store unreachable, routes not loaded). Default: ready. */
  readonly ready?: () => Promise<string | undefined>;
  /** The version GET / reports. */
  readonly version?: string;
}

export interface Gateway {
  readonly server: Server;
  readonly metrics: GatewayMetrics;
  readonly gatewayId: string;
  /** Shadow mirroring (null without a store that keeps shadow pairs). */
  readonly shadow: ShadowMirror | null;
  /** Listens (port 0 picks one); resolves with the base URL, e.g. http://127.0.0.1:8787. */
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  /** Writes the queued traces and the finished intervals now; waits for the shadow mirrors in flight and writes their pairs. */
  flush(): Promise<void>;
  /**
   * Records a request the gateway did not serve (an OpenTelemetry span of an
   * application's own model call) through the same sinks as its own.
   */
  record(f: Finished): void;
  /** How many more traces the trace queue takes now (Infinity without one). */
  traceRoom(): number;
  /** Stops accepting, lets requests in flight finish, then writes every trace and interval. */
  close(): Promise<void>;
}

/** Sluice's OpenAI-compatible gateway on node:http. */
export function createGateway(opts: GatewayOptions): Gateway {
  const gatewayId = opts.gatewayId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const onError = opts.onError ?? (() => {});
  const store = opts.store;
  let traces: BatchQueue<RawTrace> | undefined;
  const bodies = new BodyBudget(opts.maxBodyBytesInFlight);
  const metrics = new GatewayMetrics(
    opts.routes,
    () => traces?.depth ?? 0,
    () => bodies.inUse,
  );
  // The sinks in order of creation: closed in reverse by close().
  const sinks: FinishedSink[] = [metricsSink(metrics)];
  const keeping: TraceKeeping = opts.keeping ?? { redactor: BUILT_IN_REDACTOR, stickySecret: randomBytes(32) };
  const traceEvents: TraceWriterEvents = {
    onDrop: (n) => metrics.traceDropped(n),
    onFailed: (n) => metrics.traceFailed(n),
    onError,
  };
  const writer = opts.traceWriter
    ? opts.traceWriter(traceEvents, keeping)
    : store
      ? storeTraceWriter(store, keeping, traceEvents)
      : undefined;
  if (writer) {
    traces = new BatchQueue<RawTrace>((batch) => writer.write(batch), {
      ...opts.traceQueue,
      onDrop: (n) => metrics.traceDropped(n),
      onError,
    });
    sinks.push(traceSink(traces, writer, traceEvents, opts.clock));
  }
  const intervals = store
    ? new IntervalAggregator((rows) => store.putArmIntervals(rows), {
        intervalSeconds: opts.intervalSeconds ?? 10,
        gatewayId,
        onError,
        ...(opts.clock ? { clock: opts.clock } : {}),
      })
    : undefined;
  if (intervals) {
    intervals.start();
    sinks.push(intervalSink(intervals));
  }
  const insertShadowPairs = store?.insertShadowPairs?.bind(store);
  const shadow = insertShadowPairs
    ? new ShadowMirror({
        ...opts.shadow,
        providers: opts.providers,
        store: { insertShadowPairs },
        keeping,
        registry: metrics.registry,
        ...(opts.closeGraceMs !== undefined ? { closeGraceMs: opts.closeGraceMs } : {}),
        onError,
      })
    : null;
  if (shadow) sinks.push(shadow);
  const own = sinks.length;
  if (opts.sinks) sinks.push(...opts.sinks);

  const chat: ChatContext = {
    routes: opts.routes,
    providers: opts.providers,
    serving: { providers: opts.providers },
    sticky: opts.sticky ?? 'user',
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    bodies,
    random: opts.random ?? Math.random,
    rejected(error, latencyMs) {
      metrics.observe({
        route: UNROUTED,
        release: UNROUTED,
        arm: UNROUTED,
        status: error.status,
        seconds: latencyMs / 1000,
        promptTokens: 0,
        completionTokens: 0,
        costUsd: 0,
        error: error.code ?? error.type,
      });
    },
    finished(f) {
      for (let i = 0; i < own; i++) sinks[i]!.offer(f);
      for (let i = own; i < sinks.length; i++) {
        try {
          sinks[i]!.offer(f);
        } catch (e) {
          onError(e);
        }
      }
    },
  };

  const auth: ClientAuth = {
    mode: opts.auth?.mode ?? 'optional',
    keys: opts.auth?.keys ?? memoryKeyTable([]),
    limits: new KeyRateLimit(opts.auth?.now),
    forwardClientAuth: opts.auth?.forwardClientAuth ?? false,
  };

  /** The caller of a /v1 endpoint, or undefined once it was refused (401, 429). The key table is in memory: no store read. */
  function admit(req: IncomingMessage, res: ServerResponse): Caller | undefined {
    const a = authenticate(auth, req.headers);
    if (a.ok) return a.caller;
    const headers: Record<string, string> = { connection: 'close', [REQUEST_ID_HEADER]: refusalId(req.headers) };
    if (a.retryAfter !== undefined) headers['retry-after'] = String(a.retryAfter);
    if (a.error.status === 401) headers['www-authenticate'] = 'Bearer realm="sluice"';
    sendJson(res, a.error.status, a.error.body(), headers);
    chat.rejected(a.error, 0);
    return undefined;
  }

  const metricsRefusal = metricsGuard(opts.metricsToken);

  const POST_ONLY: Record<string, (c: ChatContext, q: IncomingMessage, s: ServerResponse, k: Caller) => Promise<void>> =
    {
      '/v1/chat/completions': handleChat,
      '/v1/responses': handleResponses,
      '/v1/embeddings': handleEmbeddings,
    };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    // The hot path first: nothing else is asked about a chat completion.
    if (method === 'POST' && url === '/v1/chat/completions') {
      const caller = admit(req, res);
      return caller && handleChat(chat, req, res, caller);
    }
    const path = url.split('?', 1)[0]!;
    if (opts.extra && (await opts.extra(req, res))) return;
    if (path.startsWith('/v1/')) return v1(req, res, method, path);
    if (method === 'GET' && path === '/')
      return sendJson(
        res,
        200,
        aboutBody({ version: opts.version ?? 'unknown', routes: opts.routes.routes().length, auth: auth.mode }),
      );
    if (method === 'GET' && path === '/healthz')
      return sendJson(res, 200, { ok: true, routes: opts.routes.routes().length });
    if (method === 'GET' && path === '/readyz') {
      const why = opts.ready
        ? await opts.ready().catch((e: unknown) => (e instanceof Error ? e.message : String(e)))
        : undefined;
      return sendJson(
        res,
        why === undefined ? 200 : 503,
        why === undefined ? { ready: true, routes: opts.routes.routes().length } : { ready: false, reason: why },
      );
    }
    if (method === 'GET' && path === '/metrics') {
      const refused = metricsRefusal(req.headers);
      if (refused) return sendJson(res, 401, refused.body(), { 'www-authenticate': 'Bearer realm="sluice-metrics"' });
      const text = await metrics.text();
      res.writeHead(200, { 'content-type': metrics.contentType });
      res.end(text);
      return;
    }
    sendError(res, notFound(`no endpoint ${method} ${path}`), undefined, method !== 'GET' && method !== 'HEAD');
  }

  /** Every /v1 endpoint: the caller first (gateway keys), then the endpoint. */
  async function v1(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    const caller = admit(req, res);
    if (!caller) return;
    const handler = POST_ONLY[path];
    if (handler) {
      if (method === 'POST') return handler(chat, req, res, caller);
      return sendError(
        res,
        new GatewayError(405, 'invalid_request_error', 'method_not_allowed', `use POST for ${path}`),
        undefined,
        true,
      );
    }
    if (path === '/v1/completions') return sendError(res, LEGACY_COMPLETIONS, undefined, true);
    if (path.startsWith('/v1/responses/')) return sendError(res, RESPONSES_NOT_STORED, undefined, method !== 'GET');
    if (method === 'GET' && path === '/v1/models')
      return sendJson(res, 200, modelsBody(opts.routes.routes().filter((r) => routeAllowed(caller, r))));
    if (method === 'GET' && path.startsWith('/v1/models/')) {
      let id: string;
      try {
        id = decodeURIComponent(path.slice('/v1/models/'.length));
      } catch {
        id = path.slice('/v1/models/'.length);
      }
      return sendModel(res, id, opts.routes.lookup(id) !== undefined && routeAllowed(caller, id));
    }
    sendError(res, notFound(`no endpoint ${method} ${path}`), undefined, method !== 'GET' && method !== 'HEAD');
  }

  const inflight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const p: Promise<void> = route(req, res)
      .catch((e: unknown) => {
        onError(e);
        if (!res.headersSent) sendError(res, toGatewayError(e));
        else res.destroy();
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  });

  async function flush(): Promise<void> {
    await Promise.all([traces?.flush().then(() => writer?.flush()), intervals?.flush(false), shadow?.flush()]);
  }

  let closing: Promise<void> | undefined;
  async function shutdown(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, opts.closeGraceMs ?? 10_000)));
    await Promise.race([Promise.allSettled([...inflight]), grace]);
    clearTimeout(timer);
    server.closeAllConnections();
    await Promise.allSettled([...inflight]);
    await closed;
    await closeInReverse(sinks);
  }

  return {
    server,
    metrics,
    gatewayId,
    shadow,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const a = server.address() as AddressInfo;
          const h = a.address.includes(':') ? `[${a.address}]` : a.address;
          resolve({ url: `http://${h}:${a.port}`, port: a.port });
        });
      });
    },
    flush,
    record: (f) => chat.finished(f),
    traceRoom: () =>
      traces ? (opts.traceQueue?.capacity ?? DEFAULT_QUEUE_CAPACITY) - traces.depth : Number.POSITIVE_INFINITY,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
