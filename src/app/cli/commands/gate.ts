import { SluiceError } from '../../../kernel/errors.js';
import { runGate } from '../../../gate/gate.js';
import type { GateResult } from '../../../gate/core/gate-result.js';
import { recordGate } from '../../../gate/record-gate.js';
import { gateNotification } from '../../../gate/gate-notification.js';
import { renderHtml } from '../../../gate/report/html.js';
import { renderJUnit } from '../../../gate/report/junit.js';
import { renderMarkdown } from '../../../gate/report/markdown.js';
import { ProgressReporter, type ProgressStream } from '../../../gate/report/progress.js';
import { dateOf } from '../../../kernel/clock.js';
import { findRelease } from '../../../release/find-release.js';
import { shortId } from '../../../release/release-id.js';
import { loadServingRelease } from '../../../serving/serving-release.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { numberFlag, POSITIVE } from '../number-flag.js';
import { prepareOutputFiles } from '../output-file.js';
import { OUTPUT_KINDS } from '../output-kinds.js';
import { exportGateEvaluations } from '../../../telemetry/gate-evaluations.js';
import { otlpSettings } from '../../../telemetry/otlp-settings.js';
import { VERSION } from '../../version.js';

export interface GateOptions {
  baseline?: string;
  junit?: string;
  markdown?: string;
  html?: string;
  /** Replace report files that are not previous reports of the same kind. */
  force?: boolean;
  forceGateOverride?: boolean;
  overrideReason?: string;
  concurrency?: string;
  sample?: string;
  maxCost?: string;
  maxTokens?: string;
}

function sliceRow(s: GateResult['slices'][number]): string {
  const score = s.score?.toFixed(2) ?? '  - ';
  const base = s.baseline_score !== null ? ` (baseline ${s.baseline_score.toFixed(2)})` : '';
  const errors = s.item_errors > 0 ? ` [${s.item_errors} item errors]` : '';
  return `  ${s.verdict.padEnd(6)} ${s.slice.padEnd(28)} n=${String(s.n).padEnd(4)} ${score}${base}${errors}  ${s.reasons.join('; ')}`;
}

/** What failed to serve, when anything did: the provider's own messages with their counts. */
function errorLines(r: GateResult): string[] {
  const causes = r.item_errors ?? [];
  if (causes.length === 0) return [];
  const failed = causes.filter((c) => c.arm === 'candidate').reduce((n, c) => n + c.count, 0);
  return [
    `  item errors (candidate error rate ${(100 * r.error_rate).toFixed(1)}%${failed > 0 ? `, ${failed} items failed to serve` : ''}):`,
    ...causes.map((c) => `    ${c.count} × ${c.arm}: ${c.message} (first: ${c.first_item})`),
  ];
}

function summary(r: GateResult): string {
  const rows = [...r.slices]
    .sort(
      (a, b) =>
        ['fail', 'review', 'pass'].indexOf(a.verdict) - ['fail', 'review', 'pass'].indexOf(b.verdict) ||
        (a.score ?? 0) - (b.score ?? 0),
    )
    .map(sliceRow);
  const aggregate =
    r.aggregate.score === null
      ? `no item scored (${r.aggregate.n} items${(r.item_errors ?? []).length > 0 ? '; see the item errors below' : ''})`
      : `aggregate ${r.aggregate.score.toFixed(2)} over ${r.aggregate.n} items`;
  const checks = r.checks.map(
    (c) =>
      `    ${c.ok ? 'pass' : 'FAIL'}  ${c.kind} ${c.name.padEnd(20)} ${c.message}${c.message.includes('limit') ? '' : ` (limit ${c.limit})`}`,
  );
  return [
    `gate ${r.verdict.toUpperCase()} for ${shortId(r.release)}${r.baseline ? ` vs ${shortId(r.baseline)}` : ''}: ${aggregate}`,
    ...rows,
    ...(checks.length > 0
      ? ['  checks (a failed hard check fails the gate, a failed soft one needs review):', ...checks]
      : []),
    ...errorLines(r),
    ...(r.partial ? [`  partial: ${r.partial.reason} (${r.partial.items_done}/${r.partial.items_total} items)`] : []),
    ...(r.override ? [`  OVERRIDDEN by ${r.override.actor}: ${r.override.reason}`] : []),
    `  receipt ${r.receipt ?? '-'}`,
  ].join('\n');
}

/** The progress line goes to the CLI's stderr, drawn only when both streams are terminals and no JSON was asked for. */
function progressStream(ctx: CliContext): ProgressStream {
  return {
    write: (text) => ctx.io.stderr(text),
    get columns() {
      return ctx.io.stderrColumns;
    },
  };
}

export async function runGateCommand(ctx: CliContext, id: string, opts: GateOptions): Promise<number> {
  if (opts.forceGateOverride && !opts.overrideReason?.trim()) {
    throw new SluiceError(
      'bad_usage',
      '--force-gate-override needs --override-reason TEXT: an override is recorded with who and why',
    );
  }
  const concurrency = numberFlag('--concurrency', opts.concurrency, POSITIVE) ?? 16;
  const sample = numberFlag('--sample', opts.sample, POSITIVE);
  const maxCost = numberFlag('--max-cost', opts.maxCost, POSITIVE);
  const maxTokens = numberFlag('--max-tokens', opts.maxTokens, POSITIVE);
  // Every report path is checked before the gate runs: a bad one stores nothing.
  const reports = prepareOutputFiles(
    ctx.io.cwd,
    {
      junit: { flag: '--junit', file: opts.junit, kind: OUTPUT_KINDS.junit },
      markdown: { flag: '--markdown', file: opts.markdown, kind: OUTPUT_KINDS.gateMarkdown },
      html: { flag: '--html', file: opts.html, kind: OUTPUT_KINDS.gateHtml },
    },
    { force: opts.force, protect: await ctx.protectedFiles() },
  );
  const project = await ctx.project();
  const { config, store, providers } = project;
  const record = await findRelease(store, id);
  const baselineRecord = opts.baseline
    ? await findRelease(store, opts.baseline)
    : await (async () => {
        const stable = (await store.getRoute(record.name))?.stable;
        return stable && stable !== record.id ? store.getRelease(stable) : undefined;
      })();
  const progress = new ProgressReporter(progressStream(ctx), ctx.io.stderrIsTTY === true && ctx.io.isTTY && !ctx.json);
  const release = await loadServingRelease(store, record);
  const baseline = baselineRecord ? await loadServingRelease(store, baselineRecord) : null;
  const run = await runGate(
    {
      store,
      config,
      projectDir: ctx.projectDir,
      providers,
      release,
      baseline,
      judges: project.judges,
      ...(sample ? { sample: Math.floor(sample) } : {}),
      clock: project.clock,
    },
    {
      concurrency: Math.floor(concurrency),
      ...(maxCost !== undefined ? { maxCostUsd: maxCost } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      onItem: (m, done, total) => progress.item(m, done, total),
    },
  );
  progress.finish();
  const override = opts.forceGateOverride
    ? { actor: ctx.actor, reason: opts.overrideReason!.trim(), at: dateOf(project.clock).toISOString() }
    : null;
  const result = await recordGate(store, project.ledger, run.result, ctx.actor, override);
  // Sent before the command exits (the project's close gives pending notifications a bounded grace).
  project.notify(gateNotification(record.name, result, ctx.actor, project.clock.now()));
  // With an OTLP endpoint, the verdicts also go out as gen_ai.evaluation.result events.
  const otlp = otlpSettings(config.telemetry, ctx.io.env);
  if (otlp) await exportGateEvaluations(otlp, result, { serviceVersion: VERSION });
  reports.junit?.write(renderJUnit(result));
  reports.markdown?.write(renderMarkdown(result));
  reports.html?.write(renderHtml(result));
  ctx.print(result, () => summary(result));
  if (override) return EXIT.ok;
  return result.verdict === 'pass' ? EXIT.ok : result.verdict === 'review' ? EXIT.review : EXIT.failed;
}
