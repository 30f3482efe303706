import type { Ledger } from '../audit/ledger/ledger.js';
import { openLedger } from '../audit/ledger/open-ledger.js';
import type { SluiceConfig } from '../config/sluice-schema.js';
import { createJudgeSet, type JudgeSet } from '../judging/judge-set.js';
import { type Clock, systemClock } from '../kernel/clock.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { Notifier } from '../notify/notifier.js';
import type { Notify } from '../notify/notify-event.js';
import { Controller } from '../rollout/controller.js';
import { PrometheusSource } from '../rollout/prometheus/prometheus-source.js';
import { RolloutService } from '../rollout/rollout-service.js';
import { ShadowService } from '../shadow/service.js';
import type { Store } from '../store/store.js';
import type { TraceKeeping } from '../gateway/sinks/record.js';
import { Redactor } from '../gateway/sinks/redact.js';
import { loadStickySecret } from '../gateway/routing/sticky-secret.js';

export interface ProjectParts {
  readonly config: SluiceConfig;
  readonly store: Store;
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly clock?: Clock;
  /** Multiplies the simulated providers' latencies (tests and the demo run them fast). */
  readonly simTimeScale?: number;
}

export interface ControllerOptions {
  /** This process's name in the lease. */
  readonly id: string;
  readonly leaseTtlMs?: number;
  readonly onError?: (e: unknown) => void;
}

/**
 * The composition root: a project's parts — config, store, providers, ledger,
 * clock — each built once, on first use, and shared by every command and by
 * `serve`. Only app/ builds these; the stages receive them.
 */
export class Project {
  readonly config: SluiceConfig;
  readonly store: Store;
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  private madeProviders: ProviderRegistry | undefined;
  private madeLedger: Ledger | undefined;
  private madeJudges: JudgeSet | undefined;
  private madeKeeping: TraceKeeping | undefined;
  private madeNotifier: Notifier | undefined;

  constructor(private readonly parts: ProjectParts) {
    this.config = parts.config;
    this.store = parts.store;
    this.projectDir = parts.projectDir;
    this.env = parts.env;
    this.clock = parts.clock ?? systemClock;
  }

  /** The configured model providers, created on first use (their connections are closed by close()). */
  get providers(): ProviderRegistry {
    this.madeProviders ??= new ProviderRegistry(this.config, {
      projectDir: this.projectDir,
      env: this.env,
      ...(this.parts.simTimeScale !== undefined ? { simTimeScale: this.parts.simTimeScale } : {}),
    });
    return this.madeProviders;
  }

  /** The audit ledger; its signing key is created on first use, so reading commands never make one. */
  get ledger(): Ledger {
    this.madeLedger ??= openLedger(this.store, this.config, this.projectDir, this.env, this.clock);
    return this.madeLedger;
  }

  /**
   * The project's judges (gate.judge, gate.detectors, the refusal detector), built once: the gate,
   * replay, the observer and the shadow report score with the same instances.
   */
  get judges(): JudgeSet {
    this.madeJudges ??= createJudgeSet(this.config, {
      projectDir: this.projectDir,
      providers: (name) => this.providers.get(name),
    });
    return this.madeJudges;
  }

  /**
   * How traces and shadow pairs are kept: the built-in redaction rules plus
   * gateway.redact, and the project's sticky-hash key (created under
   * .sluice/keys/ on first use, or SLUICE_STICKY_SECRET).
   */
  get traceKeeping(): TraceKeeping {
    this.madeKeeping ??= {
      redactor: new Redactor(this.config.gateway.redact),
      stickySecret: loadStickySecret(this.projectDir, this.env),
    };
    return this.madeKeeping;
  }

  controller(o: ControllerOptions): Controller {
    const prometheus = this.config.prometheus;
    return new Controller({
      store: this.store,
      ledger: this.ledger,
      clock: this.clock,
      ...(prometheus ? { external: new PrometheusSource(prometheus, this.env) } : {}),
      notify: this.notify,
      ...o,
    });
  }

  /** The rollout service, for the CLI and the control API; `kick` (see rolloutKick) runs after each change. */
  rolloutService(kick: RolloutKick): RolloutService {
    return new RolloutService({ store: this.store, ledger: this.ledger, config: this.config, clock: this.clock, kick });
  }

  shadowService(): ShadowService {
    return new ShadowService({ store: this.store, ledger: this.ledger, clock: this.clock });
  }

  /** The notification targets of `notify:`, delivered off every decision's path (see Notifier). */
  get notifier(): Notifier {
    this.madeNotifier ??= new Notifier({
      project: this.config.project,
      targets: this.config.notify,
      env: this.env,
      onFailure: (target, event, reason) =>
        process.emitWarning(`notification ${event.kind} to ${target} failed: ${reason}`, 'SluiceNotification'),
    });
    return this.madeNotifier;
  }

  /** Hands an event to the notifier; returns at once. */
  readonly notify: Notify = (event) => {
    if (Object.keys(this.config.notify).length > 0) this.notifier.notify(event);
  };

  /**
   * Closes what the project opened (provider connections; pending
   * notifications get a bounded grace to go out); the store stays with
   * whoever opened it.
   */
  async close(): Promise<void> {
    const notifier = this.madeNotifier;
    this.madeNotifier = undefined;
    await notifier?.close();
    const providers = this.madeProviders;
    this.madeProviders = undefined;
    await providers?.close();
  }
}

export type RolloutKick = (route: string) => Promise<void>;

/**
 * The one kick, run after a rollout change (a command, a roll, an observer's
 * rollback): a reconcile pass now when `controller` holds the lease — else
 * the process that holds it acts on its next tick — then `afterChange` (a
 * gateway re-reads its routes).
 */
export function rolloutKick(controller: Controller | null, afterChange?: () => Promise<void>): RolloutKick {
  return async (route) => {
    if (controller && (await controller.holdLease())) await controller.reconcileRoute(route);
    await afterChange?.();
  };
}
