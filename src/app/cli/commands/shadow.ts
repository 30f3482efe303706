import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SluiceError } from '../../../kernel/errors.js';
import { findRelease } from '../../../release/find-release.js';
import { shortId } from '../../../release/release-id.js';
import { ProviderRegistry } from '../../../providers/provider-registry.js';
import { renderShadowHtml, renderShadowMarkdown, renderShadowText } from '../../../shadow/render.js';
import { shadowReport } from '../../../shadow/report.js';
import type { Store } from '../../../store/store.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { routeOf } from '../rollout-context.js';

export interface ShadowOptions {
  percent?: string;
  stop?: boolean;
  route?: string;
}

export interface ShadowStatus {
  route: string;
  stable: string | null;
  /** The shadow release, null when the route has none. */
  shadow: string | null;
  percent: number | null;
}

export const DEFAULT_SHADOW_PERCENT = 100;

function parsePercent(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SHADOW_PERCENT;
  const n = Number(text.trim().replace(/%$/, ''));
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 100)
    throw new SluiceError('bad_usage', `--percent must be a number above 0 and at most 100, not "${text}"`);
  return n;
}

/**
 * Sets (or clears) the route's shadow and re-writes its current route state
 * unchanged, in one transaction: the new state version makes every gateway
 * reload the route, shadow included, on its next poll.
 */
async function applyShadow(
  store: Store,
  route: string,
  shadow: { releaseId: string; percent: number } | null,
): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.setShadow(route, shadow);
    const state = (await tx.getRouteStates()).find((s) => s.route === route);
    if (state)
      await tx.putRouteState({
        route,
        stable: state.stable,
        candidate: state.candidate,
        weight: state.weight,
        rolloutId: state.rolloutId,
      });
  });
}

async function status(store: Store, route: string): Promise<ShadowStatus> {
  const stable = (await store.getRoute(route))?.stable ?? null;
  const shadow = (await store.shadows()).find((s) => s.route === route);
  return { route, stable, shadow: shadow?.releaseId ?? null, percent: shadow?.percent ?? null };
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
  const store = await ctx.store();
  if (opts.stop) {
    if (opts.percent !== undefined) throw new SluiceError('bad_usage', '--stop takes no --percent');
    const release = id ? await findRelease(store, id) : undefined;
    const route = release ? release.name : await routeOf(ctx, opts.route);
    if (release && opts.route && opts.route !== route)
      throw new SluiceError('bad_usage', `release ${shortId(release.id)} belongs to route ${route}, not ${opts.route}`);
    const before = await status(store, route);
    if (release && before.shadow && before.shadow !== release.id) {
      throw new SluiceError(
        'refused',
        `the shadow of ${route} is ${shortId(before.shadow)}, not ${shortId(release.id)}: nothing stopped`,
      );
    }
    if (before.shadow) await applyShadow(store, route, null);
    const after = await status(store, route);
    ctx.print({ ...after, stopped: before.shadow }, () =>
      before.shadow ? `${route}: shadow ${shortId(before.shadow)} stopped` : `${route}: had no shadow`,
    );
    return EXIT.ok;
  }
  if (id === undefined) {
    if (opts.percent !== undefined)
      throw new SluiceError('bad_usage', '--percent needs a release: sluice shadow ID --percent P');
    const s = await status(store, await routeOf(ctx, opts.route));
    ctx.print(s, () => human(s));
    return EXIT.ok;
  }
  const percent = parsePercent(opts.percent);
  const release = await findRelease(store, id);
  const route = release.name;
  if (opts.route && opts.route !== route)
    throw new SluiceError('bad_usage', `release ${shortId(release.id)} belongs to route ${route}, not ${opts.route}`);
  const state = await store.getRoute(route);
  if (!state)
    throw new SluiceError('not_found', `route ${route} has no stable release to mirror yet: sluice roll ID first`);
  if (state.stable === release.id)
    throw new SluiceError(
      'refused',
      `release ${shortId(release.id)} is the stable release of ${route}: a shadow compares another release with it`,
    );
  await applyShadow(store, route, { releaseId: release.id, percent });
  const s = await status(store, route);
  ctx.print(s, () => human(s));
  return EXIT.ok;
}

export interface ShadowReportCliOptions {
  route?: string;
  release?: string;
  markdown?: string;
  html?: string;
  maxPairs?: string;
}

/** `sluice shadow report [--route R] [--release ID] [--markdown F] [--html F]`: the stable/shadow comparison. */
export async function runShadowReport(ctx: CliContext, opts: ShadowReportCliOptions): Promise<number> {
  let maxPairs: number | undefined;
  if (opts.maxPairs !== undefined) {
    maxPairs = Number(opts.maxPairs);
    if (!Number.isInteger(maxPairs) || maxPairs <= 0)
      throw new SluiceError('bad_usage', `--max-pairs must be a positive whole number, not "${opts.maxPairs}"`);
  }
  const config = await ctx.config();
  const store = await ctx.store();
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
  const providers = new ProviderRegistry(config, { projectDir: ctx.projectDir, env: ctx.io.env });
  try {
    const report = await shadowReport(
      { store, config, projectDir: ctx.projectDir, providers, now: ctx.now },
      { route, ...(shadowRelease ? { shadowRelease } : {}), ...(maxPairs !== undefined ? { maxPairs } : {}) },
    );
    const write = (file: string | undefined, text: () => string) =>
      file && writeFileSync(resolve(ctx.io.cwd, file), text());
    write(opts.markdown, () => renderShadowMarkdown(report));
    write(opts.html, () => renderShadowHtml(report));
    ctx.print(report, () => renderShadowText(report));
    return EXIT.ok;
  } finally {
    await providers.close();
  }
}
