import type { PrometheusConfig } from '../../config/prometheus-schema.js';
import type { ExternalMonitorSpec, ExternalReading, RolloutSpec, RolloutStatus } from '../core/index.js';
import { PrometheusClient } from './prometheus-client.js';
import { fillQuery } from './query-template.js';

/** What the controller reads external monitors through: one reading per monitor of the spec. */
export interface ExternalSource {
  read(spec: RolloutSpec, status: RolloutStatus, now: number): Promise<ExternalReading[]>;
}

/**
 * Reads a rollout's Prometheus monitors over the current step: each query
 * with the arm's release and the step's span filled in, evaluated at `now`,
 * all at once. A monitor any of whose queries failed gets the first
 * failure's reason; the core makes it inconclusive. A step's reading is
 * reused for `interval_seconds` (the controller ticks far more often than
 * Prometheus scrapes), and a new step reads afresh.
 */
export class PrometheusSource implements ExternalSource {
  private readonly client: PrometheusClient;
  /** The latest reading per route, with the rollout step it belongs to. */
  private readonly last = new Map<string, { step: string; at: number; readings: ExternalReading[] }>();

  constructor(config: PrometheusConfig, env: NodeJS.ProcessEnv) {
    this.client = new PrometheusClient(config, env);
  }

  async read(spec: RolloutSpec, status: RolloutStatus, now: number): Promise<ExternalReading[]> {
    const monitors = spec.external ?? [];
    if (monitors.length === 0 || status.stepStartedAt === null) return [];
    const step = `${spec.rolloutId}/${status.stepIndex}@${status.stepStartedAt}`;
    const cached = this.last.get(spec.route);
    if (cached && cached.step === step && now >= cached.at && now - cached.at < spec.intervalSeconds * 1000) {
      return cached.readings;
    }
    const windowSeconds = (now - status.stepStartedAt) / 1000;
    const readings = await Promise.all(monitors.map((m) => this.readOne(spec, m, windowSeconds, now)));
    this.last.set(spec.route, { step, at: now, readings });
    return readings;
  }

  private async readOne(
    spec: RolloutSpec,
    m: ExternalMonitorSpec,
    windowSeconds: number,
    now: number,
  ): Promise<ExternalReading> {
    const arms = { canary: spec.candidate, stable: spec.stable } as const;
    const jobs = Object.entries(m.queries).flatMap(([what, q]) =>
      (['canary', 'stable'] as const).map(async (arm) => {
        const query = fillQuery(q[arm], { release: arms[arm], arm, route: spec.route, windowSeconds });
        return { arm, what, result: await this.client.number(query, now) };
      }),
    );
    const canary: Record<string, number> = {};
    const stable: Record<string, number> = {};
    for (const { arm, what, result } of await Promise.all(jobs)) {
      if (!result.ok) return { name: m.name, ok: false, error: `${arm} ${what}: ${result.error.message}` };
      (arm === 'canary' ? canary : stable)[what] = result.value;
    }
    return { name: m.name, ok: true, canary, stable };
  }
}
