import { Counter, Gauge, type Registry } from 'prom-client';
import type { DriftReading } from './core/drift-detector.js';
import type { SeriesPoint } from './core/observer-decision.js';

/** The observer's series on the gateway's /metrics: the latest window per slice, detector rates, alerts, sampling. */
export class ObserverMetrics {
  private readonly quality: Gauge;
  private readonly detector: Gauge;
  private readonly drift: Gauge;
  private readonly alerts: Counter;
  private readonly lateSamples: Counter;
  /** Per outcome, counted on every answer and handed to prom-client only when scraped. */
  private readonly sampledCounts = new Map<string, number>();

  constructor(registry: Registry) {
    this.quality = new Gauge({
      name: 'sluice_observe_window_quality',
      help: 'Mean judged quality of the latest completed window',
      labelNames: ['route', 'release', 'slice'],
      registers: [registry],
    });
    this.detector = new Gauge({
      name: 'sluice_observe_detector_rate',
      help: 'Detector flag rate in the latest completed window',
      labelNames: ['route', 'release', 'slice', 'detector'],
      registers: [registry],
    });
    this.drift = new Gauge({
      name: 'sluice_observe_drift_ratio',
      help: 'Drift detector statistic over its threshold (a rollback needs > 1, persisting `consecutive` windows)',
      labelNames: ['route', 'release', 'slice', 'statistic'],
      registers: [registry],
    });
    this.alerts = new Counter({
      name: 'sluice_observe_alerts_total',
      help: 'Observer alerts (too few samples, a failing judge, no release to roll back to)',
      labelNames: ['route'],
      registers: [registry],
    });
    this.lateSamples = new Counter({
      name: 'sluice_observe_late_samples_total',
      help: 'Judged samples stored after their window was evaluated (not counted in it)',
      registers: [registry],
    });
    const counts = this.sampledCounts;
    new Counter({
      name: 'sluice_observe_samples_total',
      help: 'Answers offered to the observer, by what happened to them',
      labelNames: ['outcome'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [outcome, n] of counts) this.inc({ outcome }, n);
      },
    });
  }

  sampled(outcome: string): void {
    this.sampledCounts.set(outcome, (this.sampledCounts.get(outcome) ?? 0) + 1);
  }

  late(): void {
    this.lateSamples.inc();
  }

  alerted(route: string): void {
    this.alerts.inc({ route });
  }

  /** Records a slice's newest completed window. */
  window(route: string, release: string, slice: string, w: SeriesPoint, drift?: DriftReading): void {
    for (const s of drift?.streams ?? [])
      if (s.threshold !== null && s.threshold > 0)
        this.drift.set({ route, release, slice, statistic: s.name }, s.statistic / s.threshold);
    if (w.mean !== null) this.quality.set({ route, release, slice }, w.mean);
    for (const [name, rate] of Object.entries(w.detectors))
      if (rate !== null) this.detector.set({ route, release, slice, detector: name }, rate);
  }
}
