import { hostname, userInfo } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { controlApi } from '../api/control-api.js';
import { tokenDirectory } from '../api/token-directory.js';
import { integrationsApi } from '../api/integrations-api.js';
import { AnalysisService } from '../../rollout/analysis-service.js';
import { dashboardRoutes } from '../api/dashboard-routes.js';
import { uiAssets } from '../ui/ui-assets.js';
import type { SluiceConfig } from '../../config/sluice-schema.js';
import type { Controller } from '../../rollout/controller.js';
import type { RolloutService } from '../../rollout/rollout-service.js';
import type { ShadowService } from '../../shadow/service.js';
import type { Clock } from '../../kernel/clock.js';
import { type Closable, closeInReverse } from '../../kernel/close-in-reverse.js';
import { Project, rolloutKick } from '../project.js';
import { createGateway, type Gateway } from '../../gateway/gateway.js';
import { StoreRouteTable } from '../../gateway/routing/store-route-table.js';
import type { TraceWriterEvents } from '../../gateway/sinks/trace-writer.js';
import type { TraceKeeping } from '../../gateway/sinks/record.js';
import { WorkerTraceWriter } from '../../gateway/sinks/worker-trace-writer.js';
import { Observer } from '../../observe/observer.js';
import { ObserverMetrics } from '../../observe/observer-metrics.js';
import type { Store } from '../../store/store.js';
import { StoreKeyTable } from '../../gateway/auth/gateway-keys.js';
import type { AuthMode } from '../../gateway/auth/client-auth.js';
import { VERSION } from '../version.js';
import { checkControlPlaneExposure } from './control-plane-exposure.js';
import { isLoopbackHost } from './loopback.js';
import { collectDefaultMetrics } from 'prom-client';
import { otlpSettings } from '../../telemetry/otlp-settings.js';
import { OtlpTelemetry } from '../../telemetry/otlp-telemetry.js';
import { otlpIngest } from '../../telemetry/ingest/otlp-ingest.js';
import { authorize, type TokenDirectory } from '../api/authorize.js';
import { SluiceError } from '../../kernel/errors.js';
import { followDecisions } from './decision-log.js';
import { requestLog } from './request-log.js';
import { createServerLog, type ServerLog } from './server-log.js';

/** gateway.auth's default: required unless the server listens on loopback only. */
export function defaultAuthMode(host: string): AuthMode {
  return isLoopbackHost(host) ? 'optional' : 'required';
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** gateway.metrics_token_env: the token /metrics requires; a named variable that is unset stops start-up. */
function metricsTokenOf(config: SluiceConfig, env: NodeJS.ProcessEnv): { metricsToken?: string } {
  const name = config.gateway.metrics_token_env;
  if (name === undefined) return {};
  const token = env[name];
  if (!token)
    throw new SluiceError(
      'bad_input',
      `gateway.metrics_token_env names ${name}, which is not set: set it to the token /metrics should require, or remove the setting`,
    );
  return { metricsToken: token };
}

export interface ServerOptions {
  /** The project's parts, when the caller built them (the CLI); else they are built from the fields below. */
  readonly project?: Project;
  readonly store: Store;
  /**
   * The store's URL: with it, traces are written on a worker thread with a
   * connection of its own (not for an in-memory SQLite store, which only
   * `store` can reach).
   */
  readonly storeUrl?: string;
  readonly config: SluiceConfig;
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly port?: number;
  readonly host?: string;
  /** This process's name (lease holder, gateway id). */
  readonly id?: string;
  /** How often the controller reconciles (default 250 ms) and gateways poll routes (default 250 ms). */
  readonly tickMs?: number;
  readonly pollMs?: number;
  /** false: gateway only (no controller in this process). */
  readonly controller?: boolean;
  readonly simTimeScale?: number;
  readonly onError?: (e: unknown) => void;
  /** How often the observer evaluates its windows (default 1 s). */
  readonly observeTickMs?: number;
  /** Injected clock for the controller, the rollout service and the observer. */
  readonly clock?: Clock;
  /** The structured log (default: none): one line per decision on record, observer alert and error. */
  readonly log?: ServerLog;
  /** A log line per finished request too (`serve --log-requests`). */
  readonly logRequests?: boolean;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly gateway: Gateway;
  readonly routes: StoreRouteTable;
  readonly controller: Controller | null;
  readonly service: RolloutService;
  readonly shadows: ShadowService;
  readonly observer: Observer;
  close(): Promise<void>;
}

function projectOf(o: ServerOptions): Project {
  return (
    o.project ??
    new Project({
      config: o.config,
      store: o.store,
      projectDir: o.projectDir,
      env: o.env,
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.simTimeScale !== undefined ? { simTimeScale: o.simTimeScale } : {}),
    })
  );
}

/**
 * `sluice serve`: the gateway, the controller (under a lease), the observer
 * and the control API, in one process, on the project's parts. What it starts
 * is closed in reverse order of creation.
 */
export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const project = projectOf(o);
  const { store, config, providers } = project;
  const id = o.id ?? `${hostname()}:${process.pid}`;
  const log = o.log ?? createServerLog({ silent: true });
  const onError = o.onError ?? ((e: unknown) => log.error({ err: e }, (e as Error)?.message ?? String(e)));
  const started: Closable[] = [project];
  const host = o.host ?? '127.0.0.1';
  try {
    checkControlPlaneExposure(host, await store.tokenCount());
    // PostgreSQL pushes route changes (LISTEN/NOTIFY); the poll stays as a safety net. SQLite polls.
    const listeners = new Set<() => void>();
    if (store.subscribeRouteChanges) {
      const unlisten = await store.subscribeRouteChanges(() => {
        for (const l of listeners) l();
      });
      started.push({ close: unlisten });
    }
    const routes = await StoreRouteTable.open(store, {
      pollMs: o.pollMs ?? 250,
      onError,
      changes: {
        subscribe(onChange) {
          listeners.add(onChange);
          return () => listeners.delete(onChange);
        },
      },
    });
    started.push({ close: async () => routes.close() });
    const controller = o.controller === false ? null : project.controller({ id, onError });
    // A command queued by the CLI (another process) is applied at once: no wait for the next tick.
    if (store.subscribeCommands && controller) {
      const unlistenCommands = await store.subscribeCommands(() => void controller.tick().catch(onError));
      started.push({ close: unlistenCommands });
    }
    const kick = rolloutKick(controller, () => routes.refresh());
    const service = project.rolloutService(kick);
    const observer = new Observer({
      store,
      config,
      projectDir: project.projectDir,
      providers,
      judges: project.judges,
      ledger: project.ledger,
      clock: project.clock,
      onError,
      onRollback: kick,
      // Observer alerts are logged here; every other event it raises is a decision on record (followDecisions).
      notify: (e) => {
        project.notify(e);
        if (e.kind === 'observer-alert')
          log.warn(
            { event: 'observer-alert', route: e.route, release: e.release, reason: e.message },
            `observer alert on ${e.route ?? '?'}: ${e.message}`,
          );
      },
    });
    const shadows = project.shadowService();
    // OpenTelemetry out: only when an OTLP endpoint is configured; otherwise nothing of it is created.
    const otlp = otlpSettings(config.telemetry, o.env);
    const telemetry = otlp
      ? new OtlpTelemetry({ ...otlp, serviceVersion: VERSION, instanceId: id, onError })
      : undefined;
    if (telemetry) observer.useEvaluations(telemetry);
    const tokens: TokenDirectory = tokenDirectory(store, project.clock, onError);
    const control = controlApi(service, shadows, tokens, {
      loopbackOnly: isLoopbackHost(host),
      localUser: osUser(),
      routes: dashboardRoutes(project, (route) => service.status(route)),
    });
    // Argo Rollouts' web metric and Flagger's webhooks; the observer's readings are this process's.
    const integrations = integrationsApi(new AnalysisService({ store, observer, clock: project.clock }), tokens, {
      loopbackOnly: isLoopbackHost(host),
    });
    const api = async (req: IncomingMessage, res: ServerResponse) =>
      (await integrations(req, res)) || control(req, res);
    // OpenTelemetry in: POST /v1/traces records GenAI spans through the gateway's sinks (bound once it exists).
    let gatewayRef: Gateway | undefined;
    const ingest = otlpIngest({
      routes,
      mapping: config.telemetry.ingest,
      maxBodyBytes: config.telemetry.ingest.max_body_bytes,
      record: (f) => gatewayRef?.record(f),
      room: () => gatewayRef?.traceRoom() ?? 0,
      authorize: (req) => authorize(tokens, req.headers.authorization, 'ingest'),
    });
    const ui = uiAssets();
    const keys = await StoreKeyTable.open(store, { onError });
    started.push(keys);
    const traceWriter =
      o.storeUrl && !o.storeUrl.endsWith(':memory:') && WorkerTraceWriter.available()
        ? (events: TraceWriterEvents, keeping: TraceKeeping) =>
            new WorkerTraceWriter({ storeUrl: o.storeUrl!, projectDir: project.projectDir, keeping, ...events })
        : undefined;
    const gateway = createGateway({
      routes,
      providers,
      store,
      // Small batches, often: a batch is copied to the writer thread and let go, so traces never live long on this heap.
      ...(traceWriter ? { traceWriter, traceQueue: { batchSize: 64, flushMs: 20 } } : {}),
      keeping: project.traceKeeping,
      maxBodyBytesInFlight: config.gateway.max_body_bytes_in_flight,
      sticky: config.gateway.sticky as 'user' | 'key' | `header:${string}`,
      auth: {
        mode: config.gateway.auth ?? defaultAuthMode(host),
        keys,
        forwardClientAuth: config.gateway.forward_client_auth,
      },
      // Ready: the store answers and every route's release is loaded.
      ready: async () => {
        await store.routeStateVersion();
        return routes.version >= 0 ? undefined : 'routes are not loaded yet';
      },
      version: VERSION,
      clock: project.clock,
      intervalSeconds: config.rollout.interval_seconds,
      gatewayId: id,
      shadow: { stripTools: config.shadow.strip_tools, maxPerMinute: config.shadow.max_requests_per_minute },
      extra: async (req, res) => (await api(req, res)) || (await ingest.handle(req, res)) || ui(req, res),
      ...metricsTokenOf(config, o.env),
      onError,
      // The observer is the gateway's last sink: closed (drained, its judgements reported) first when the gateway
      // closes, then the OpenTelemetry export, which sends what it still holds.
      sinks: [...(o.logRequests ? [requestLog(log)] : []), ...(telemetry ? [telemetry] : []), observer],
    });
    started.push(gateway);
    gatewayRef = gateway;
    ingest.publish(gateway.metrics.registry);
    // process_* and nodejs_* series (CPU, memory, event loop lag, GC, handles) on /metrics, once per serve process.
    collectDefaultMetrics({ register: gateway.metrics.registry });
    observer.useMetrics(new ObserverMetrics(gateway.metrics.registry));
    project.notifier.registerOn(gateway.metrics.registry);
    const { url, port } = await gateway.listen(o.port ?? 8787, host);
    // Every decision on record (this process's, or another's on the same store) is a log line.
    started.push(await followDecisions(store, log, { onError }));
    if (controller) {
      controller.start(o.tickMs ?? 250);
      started.push({ close: () => controller.stop() });
    }
    // Only the process that holds the controller lease evaluates windows; every process samples and scores.
    const observeTimer = setInterval(() => {
      void (async () => {
        if (controller && (await controller.holdLease())) await observer.tick();
      })().catch(onError);
    }, o.observeTickMs ?? 1000);
    started.push({ close: async () => clearInterval(observeTimer) });
    return {
      url,
      port,
      gateway,
      routes,
      controller,
      service,
      shadows,
      observer,
      close: () => closeInReverse(started),
    };
  } catch (e) {
    await closeInReverse(started).catch(() => {});
    throw e;
  }
}
