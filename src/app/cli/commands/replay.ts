import { findRelease } from '../../../release/find-release.js';
import { shortId } from '../../../release/release-id.js';
import { parseDuration } from '../../../kernel/duration.js';
import { replay, type ReplayResult, type ReplaySliceResult } from '../../../replay/replay.js';
import { loadServingRelease } from '../../../serving/serving-release.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { numberFlag, POSITIVE_INT } from '../number-flag.js';

export interface ReplayOptions {
  since?: string;
  limit?: string;
  concurrency?: string;
}

const DEFAULT_SINCE = '24h';
const DEFAULT_LIMIT = 200;
const DEFAULT_CONCURRENCY = 8;

const num = (v: number | null) => (v === null ? '  -  ' : v.toFixed(2));
const signed = (v: number | null) => (v === null ? '  -  ' : `${v >= 0 ? '+' : ''}${v.toFixed(2)}`);

function row(s: ReplaySliceResult): string {
  const ci = s.delta_ci ? ` [${signed(s.delta_ci[0])}, ${signed(s.delta_ci[1])}]` : '';
  const errors = [
    s.judge_errors ? `${s.judge_errors} judge errors` : '',
    s.production_judge_errors ? `${s.production_judge_errors} production judge errors` : '',
    s.item_errors ? `${s.item_errors} failed` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `  ${s.verdict.padEnd(6)} ${s.slice.padEnd(28)} n=${String(s.n).padEnd(4)} replay ${num(s.score)}  production ${num(s.production_score)}  delta ${signed(s.delta)}${ci}${errors ? `  (${errors})` : ''}${s.reasons.length ? `  ${s.reasons.join('; ')}` : ''}`;
}

function summary(r: ReplayResult): string {
  if (r.traces === 0) {
    return `replay of ${shortId(r.release)} on ${r.route}: no successful trace with content since ${r.window.since}${r.skipped ? ` (${r.skipped} skipped)` : ''}`;
  }
  const failedChecks = r.checks.filter((c) => !c.ok).map((c) => `  ${c.kind} check ${c.name}: ${c.message}`);
  return [
    `replay of ${shortId(r.release)} on ${r.route}: ${r.traces} production traces since ${r.window.since}, verdict ${r.verdict.toUpperCase()} (advisory)`,
    row(r.aggregate),
    ...r.slices.map(row),
    ...failedChecks,
    ...(r.unpaired ? [`  ${r.unpaired} traces scored on one side only`] : []),
    ...(r.skipped ? [`  ${r.skipped} traces skipped (content not a message list)`] : []),
  ].join('\n');
}

/** `replay ID [--since 1h] [--limit N]`: the release on recent production inputs, scored per slice against what production served. */
export async function runReplay(ctx: CliContext, id: string, opts: ReplayOptions = {}): Promise<number> {
  const sinceMs = parseDuration(opts.since ?? DEFAULT_SINCE, '--since');
  const limit = numberFlag('--limit', opts.limit, POSITIVE_INT) ?? DEFAULT_LIMIT;
  const concurrency = numberFlag('--concurrency', opts.concurrency, POSITIVE_INT) ?? DEFAULT_CONCURRENCY;
  const project = await ctx.project();
  const { config, store, providers, clock } = project;
  const record = await findRelease(store, id);
  const release = await loadServingRelease(store, record);
  const result = await replay({
    store,
    config,
    projectDir: ctx.projectDir,
    providers,
    judges: project.judges,
    release,
    route: record.name,
    since: new Date(clock.now() - sinceMs).toISOString(),
    limit,
    concurrency,
    clock,
  });
  ctx.print(result, () => summary(result));
  return EXIT.ok;
}
