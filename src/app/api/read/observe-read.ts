import type { SluiceConfig } from '../../../config/sluice-schema.js';
import { bandSpecFromConfig } from '../../../observe/core/band.js';
import { driftSpecFromConfig, evaluateSeries } from '../../../observe/core/evaluate-series.js';
import { aggregateWindows, groupSeries } from '../../../observe/core/windows.js';
import { findRelease } from '../../../release/find-release.js';
import type { ReleaseId } from '../../../release/resolved-manifest.js';
import type { Store } from '../../../store/store.js';
import { receiptRows } from './audit-read.js';

/** Windows shown per slice: the latest ones. */
const MAX_WINDOWS = 240;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Judged production quality of one release per slice, window by window, with
 * the band's verdict and the drift detector's state replayed over the stored
 * samples by the observer's own pure code; the windows that breached (alerts)
 * and the observer's rollback receipts. The release is the one given, else the
 * route's latest rollout's candidate (the release last put under watch).
 */
export async function observeView(
  store: Pick<
    Store,
    'observeSamples' | 'latestRollout' | 'getRoute' | 'getRelease' | 'findReleaseIds' | 'auditEntries' | 'auditSize'
  >,
  config: SluiceConfig,
  route: string,
  q: URLSearchParams,
  now: number,
) {
  const given = q.get('release');
  const rollout = await store.latestRollout(route);
  const release: ReleaseId | null = given
    ? (await findRelease(store, given)).id
    : (rollout?.spec.candidate ?? (await store.getRoute(route))?.stable ?? null);
  const settings = {
    window_seconds: config.observe.window_seconds,
    consecutive: config.observe.consecutive,
    min_quality: config.observe.min_quality,
  };
  if (!release) return { route, release: null, settings, slices: [], alerts: [], rollbacks: [] };
  const since = Number(q.get('since_ms') ?? now - DAY_MS);
  const samples = await store.observeSamples(release, Number.isFinite(since) ? since : now - DAY_MS);
  const windows = aggregateWindows(
    samples
      .filter((s) => s.route === route)
      .map((s) => ({
        at: s.at,
        route: s.route,
        release,
        slice: s.slice,
        quality: s.quality,
        judgeError: s.judgeError,
        flags: s.flags,
      })),
    config.observe.window_seconds,
  );
  const band = bandSpecFromConfig(config);
  const drift = driftSpecFromConfig(config);
  const slices = [...groupSeries(windows).values()].map((series) => {
    const { evaluations } = evaluateSeries(series, band, drift);
    const last = evaluations.at(-1);
    return {
      slice: series[0]!.slice,
      samples: series.reduce((n, w) => n + w.samples, 0),
      state: last?.drift?.rollback ? 'rollback' : (last?.status ?? 'insufficient'),
      reference: last?.drift?.reference?.mean ?? null,
      streams: (last?.drift?.streams ?? []).map((s) => ({
        name: s.name,
        status: s.status,
        statistic: s.statistic,
        threshold: s.threshold,
      })),
      windows: evaluations.slice(-MAX_WINDOWS).map((e) => ({
        start: e.start,
        n: e.n,
        mean: e.meanQuality,
        ci: e.meanCi ? [e.meanCi.lower, e.meanCi.upper] : null,
        status: e.status,
        drift: e.drift?.rollback ? 'rollback' : (e.drift?.streams.find((s) => s.status !== 'ok')?.status ?? 'ok'),
        reasons: e.reasons,
      })),
    };
  });
  slices.sort((a, b) => a.slice.localeCompare(b.slice));
  const alerts = slices
    .flatMap((s) =>
      s.windows
        .filter((w) => w.status === 'breach' || w.drift === 'alarm' || w.drift === 'rollback')
        .map((w) => ({ slice: s.slice, start: w.start, status: w.status, drift: w.drift, reasons: w.reasons })),
    )
    .slice(-50)
    .reverse();
  const size = await store.auditSize();
  const rollbacks = receiptRows(
    (await store.auditEntries(0, size, { subject: release }))
      .filter((e) => e.kind === 'observe-rollback' || e.kind === 'rollback')
      .reverse()
      .slice(0, 20),
  );
  return { route, release, settings, slices, alerts, rollbacks };
}
