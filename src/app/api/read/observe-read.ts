import type { SluiceConfig } from '../../../config/sluice-schema.js';
import { SluiceError } from '../../../kernel/errors.js';
import { bandSpecFromConfig } from '../../../observe/core/band.js';
import { driftSpecFromConfig, evaluateSeries } from '../../../observe/core/evaluate-series.js';
import { aggregateWindows, groupSeries } from '../../../observe/core/windows.js';
import { findRelease } from '../../../release/find-release.js';
import type { ReleaseId } from '../../../release/resolved-manifest.js';
import type { Store } from '../../../store/store.js';
import { receiptRows, recentEntries } from './audit-read.js';

/**
 * Windows read, replayed and shown per slice by default: the latest 360 (6 hours of
 * 60-second windows). Replaying the detector costs per window; a longer span is asked
 * for with since_ms.
 */
export const DEFAULT_WINDOWS = 360;
const MAX_WINDOWS = 5000;

/**
 * Judged production quality of one release per slice, window by window, with
 * the band's verdict and the drift detector's state replayed over the stored
 * samples of the latest windows (DEFAULT_WINDOWS, or from since_ms) by the
 * observer's own pure code; the windows that breached (alerts)
 * and the observer's rollback receipts. The release is the one given, else the
 * route's latest rollout's candidate (the release last put under watch).
 */
export async function observeView(
  store: Pick<
    Store,
    | 'observeSamples'
    | 'latestObserveSampleAt'
    | 'latestRollout'
    | 'getRoute'
    | 'getRelease'
    | 'findReleaseIds'
    | 'auditEntries'
    | 'auditSize'
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
  if (!release) return { route, release: null, since: null, settings, slices: [], alerts: [], rollbacks: [] };
  const windowMs = config.observe.window_seconds * 1000;
  const asked = q.get('since_ms');
  // By default the windows up to the release's newest sample: a release no longer served still shows its last hours.
  const latest = (await store.latestObserveSampleAt(release)) ?? now;
  const since = asked === null ? latest - DEFAULT_WINDOWS * windowMs : Number(asked);
  if (!Number.isSafeInteger(since) || since < latest - MAX_WINDOWS * windowMs)
    throw new SluiceError(
      'bad_input',
      `since_ms must be an epoch time in ms at most ${MAX_WINDOWS} windows (${(MAX_WINDOWS * windowMs) / 1000} s) before the newest sample`,
    );
  const samples = await store.observeSamples(release, since);
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
      windows: evaluations.map((e) => ({
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
  const rollbacks = receiptRows(
    (
      await Promise.all(
        ['observe-rollback', 'rollback'].map((kind) => recentEntries(store, { kind, subject: release }, 20)),
      )
    )
      .flat()
      .sort((a, b) => b.index - a.index)
      .slice(0, 20),
  );
  return { route, release, since, settings, slices, alerts, rollbacks };
}
