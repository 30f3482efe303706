import { SluiceError } from '../../../kernel/errors.js';
import { findRelease } from '../../../release/find-release.js';
import { shortId } from '../../../release/release-id.js';
import { renderShadowHtml, renderShadowMarkdown, renderShadowText } from '../../../shadow/render.js';
import { shadowReport } from '../../../shadow/report.js';
import { DEFAULT_SHADOW_PERCENT, type ShadowStatus, validShadowPercent } from '../../../shadow/service.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { numberFlag, POSITIVE_INT } from '../number-flag.js';
import { prepareOutputFiles } from '../output-file.js';
import { OUTPUT_KINDS } from '../output-kinds.js';
import { routeOf } from '../rollout-context.js';

export interface ShadowOptions {
  percent?: string;
  stop?: boolean;
  route?: string;
}

function parsePercent(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SHADOW_PERCENT;
  const n = Number(text.trim().replace(/%$/, ''));
  if (text.trim() === '' || !validShadowPercent(n))
    throw new SluiceError('bad_usage', `--percent must be a number above 0 and at most 100, not "${text}"`);
  return n;
}

function human(s: ShadowStatus): string {
  if (!s.shadow) return `${s.route}: no shadow${s.stable ? ` (stable ${shortId(s.stable)})` : ''}`;
  return `${s.route}: ${s.percent}% of the stable's requests mirrored to ${shortId(s.shadow)}${s.stable ? ` (stable ${shortId(s.stable)})` : ''}; answers stored in pairs, never returned`;
}

/**
 * `sluice shadow ID [--percent P]`: mirror a share of the route's stable
 * traffic to a release; `sluice shadow --stop`: stop; without either, the
 * route's shadow. The route is the release's own (its name).
 */
export async function runShadow(ctx: CliContext, id: string | undefined, opts: ShadowOptions): Promise<number> {
  const project = await ctx.project();
  const shadows = project.shadowService();
  if (opts.stop) {
    if (opts.percent !== undefined) throw new SluiceError('bad_usage', '--stop takes no --percent');
    const release = id ? await findRelease(project.store, id) : undefined;
    const route = release ? release.name : await routeOf(ctx, opts.route);
    if (release && opts.route && opts.route !== route)
      throw new SluiceError('bad_usage', `release ${shortId(release.id)} belongs to route ${route}, not ${opts.route}`);
    const after = await shadows.stop(route, ctx.actor, release ? { release: release.id } : {});
    ctx.print(after, () =>
      after.stopped ? `${route}: shadow ${shortId(after.stopped)} stopped` : `${route}: had no shadow`,
    );
    return EXIT.ok;
  }
  if (id === undefined) {
    if (opts.percent !== undefined)
      throw new SluiceError('bad_usage', '--percent needs a release: sluice shadow ID --percent P');
    const s = await shadows.status(await routeOf(ctx, opts.route));
    ctx.print(s, () => human(s));
    return EXIT.ok;
  }
  const percent = parsePercent(opts.percent);
  const s = await shadows.start(id, ctx.actor, { percent, ...(opts.route ? { route: opts.route } : {}) });
  ctx.print(s, () => human(s));
  return EXIT.ok;
}

export interface ShadowReportCliOptions {
  route?: string;
  release?: string;
  markdown?: string;
  html?: string;
  maxPairs?: string;
  force?: boolean;
}

/** `sluice shadow report [--route R] [--release ID] [--markdown F] [--html F]`: the stable/shadow comparison. */
export async function runShadowReport(ctx: CliContext, opts: ShadowReportCliOptions): Promise<number> {
  const maxPairs = numberFlag('--max-pairs', opts.maxPairs, POSITIVE_INT);
  const reports = prepareOutputFiles(
    ctx.io.cwd,
    {
      markdown: { flag: '--markdown', file: opts.markdown, kind: OUTPUT_KINDS.shadowMarkdown },
      html: { flag: '--html', file: opts.html, kind: OUTPUT_KINDS.shadowHtml },
    },
    { force: opts.force, protect: await ctx.protectedFiles() },
  );
  const project = await ctx.project();
  const { config, store, providers, clock } = project;
  let route: string;
  let shadowRelease: string | undefined;
  if (opts.release) {
    const release = await findRelease(store, opts.release);
    if (opts.route && opts.route !== release.name)
      throw new SluiceError(
        'bad_usage',
        `release ${shortId(release.id)} belongs to route ${release.name}, not ${opts.route}`,
      );
    route = release.name;
    shadowRelease = release.id;
  } else {
    route = await routeOf(ctx, opts.route);
  }
  const report = await shadowReport(
    { store, config, projectDir: ctx.projectDir, providers, clock, judges: (await ctx.project()).judges },
    { route, ...(shadowRelease ? { shadowRelease } : {}), ...(maxPairs !== undefined ? { maxPairs } : {}) },
  );
  reports.markdown?.write(renderShadowMarkdown(report));
  reports.html?.write(renderShadowHtml(report));
  ctx.print(report, () => renderShadowText(report));
  return EXIT.ok;
}
