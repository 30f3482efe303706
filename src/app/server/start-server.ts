import { hostname } from 'node:os';
import { controlApi } from '../api/control-api.js';
import type { Role } from '../api/tokens.js';
import { openLedger } from '../../audit/ledger/open-ledger.js';
import type { SluiceConfig } from '../../config/sluice-schema.js';
import { Controller } from '../../rollout/controller.js';
import { RolloutService } from '../../rollout/rollout-service.js';
import { createGateway, type Gateway } from '../../gateway/gateway.js';
import { StoreRouteTable } from '../../gateway/routing/store-route-table.js';
import type { TraceWriterEvents } from '../../gateway/sinks/trace-writer.js';
import { WorkerTraceWriter } from '../../gateway/sinks/worker-trace-writer.js';
import { Observer } from '../../observe/observer.js';
import { ObserverMetrics } from '../../observe/observer-metrics.js';
import { ProviderRegistry } from '../../providers/provider-registry.js';
import type { Store } from '../../store/store.js';

export interface ServerOptions {
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
  /** Injected clock for the controller and observer (epoch ms). */
  readonly now?: () => number;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly gateway: Gateway;
  readonly routes: StoreRouteTable;
  readonly controller: Controller | null;
  readonly service: RolloutService;
  readonly observer: Observer;
  close(): Promise<void>;
}

/** `sluice serve`: the gateway, the controller (under a lease), and the control API, in one process. */
export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const { store, config } = o;
  const id = o.id ?? `${hostname()}:${process.pid}`;
  const onError = o.onError ?? (() => {});
  const providers = new ProviderRegistry(config, {
    projectDir: o.projectDir,
    env: o.env,
    ...(o.simTimeScale !== undefined ? { simTimeScale: o.simTimeScale } : {}),
  });
  // PostgreSQL pushes route changes (LISTEN/NOTIFY); the poll stays as a safety net. SQLite polls.
  let unlisten: (() => Promise<void>) | undefined;
  const listeners = new Set<() => void>();
  if (store.subscribeRouteChanges) unlisten = await store.subscribeRouteChanges(() => listeners.forEach((l) => l()));
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
  const ledger = openLedger(store, config, o.projectDir, o.env);
  const controller =
    o.controller === false ? null : new Controller({ store, ledger, id, onError, ...(o.now ? { now: o.now } : {}) });
  const kick = async (route: string) => {
    if (controller && (await controller.holdLease())) await controller.reconcileRoute(route);
    await routes.refresh();
  };
  // A command queued by the CLI (another process) is applied at once: no wait for the next tick.
  const unlistenCommands =
    store.subscribeCommands && controller
      ? await store.subscribeCommands(() => void controller.tick().catch(onError))
      : undefined;
  const service = new RolloutService({ store, ledger, config, kick, ...(o.now ? { now: o.now } : {}) });
  const observer = new Observer({
    store,
    config,
    projectDir: o.projectDir,
    providers,
    ledger,
    onError,
    onRollback: kick,
    ...(o.now ? { now: o.now } : {}),
  });
  const api = controlApi(service, {
    any: async () => (await store.tokenCount()) > 0,
    lookup: async (hash) => {
      const t = await store.tokenByHash(hash);
      return t ? { name: t.name, role: t.role as Role } : undefined;
    },
  });
  const traceWriter =
    o.storeUrl && !o.storeUrl.endsWith(':memory:') && WorkerTraceWriter.available()
      ? (events: TraceWriterEvents) =>
          new WorkerTraceWriter({ storeUrl: o.storeUrl!, projectDir: o.projectDir, ...events })
      : undefined;
  const gateway = createGateway({
    routes,
    providers,
    store,
    // Small batches, often: a batch is copied to the writer thread and let go, so traces never live long on this heap.
    ...(traceWriter ? { traceWriter, traceQueue: { batchSize: 64, flushMs: 20 } } : {}),
    sticky: config.gateway.sticky as 'user' | `header:${string}`,
    intervalSeconds: config.rollout.interval_seconds,
    gatewayId: id,
    shadow: { stripTools: config.shadow.strip_tools, maxPerMinute: config.shadow.max_requests_per_minute },
    extra: api,
    onError,
    onFinished: (f) => observer.offer(f),
  });
  observer.useMetrics(new ObserverMetrics(gateway.metrics.registry));
  const { url, port } = await gateway.listen(o.port ?? 8787, o.host ?? '127.0.0.1');
  controller?.start(o.tickMs ?? 250);
  // Only the process that holds the controller lease evaluates windows; every process samples and scores.
  const observeTimer = setInterval(() => {
    void (async () => {
      if (controller && (await controller.holdLease())) await observer.tick();
    })().catch(onError);
  }, o.observeTickMs ?? 1000);
  return {
    url,
    port,
    gateway,
    routes,
    controller,
    service,
    observer,
    async close() {
      clearInterval(observeTimer);
      await controller?.stop();
      await gateway.close();
      await observer.drain();
      routes.close();
      await unlisten?.();
      await unlistenCommands?.();
      await providers.close();
    },
  };
}
