import type { RunningServer } from '../server/start-server.js';
import { observeRollbackReceipts, registered } from './cli-json.js';
import { shortId } from '../../release/release-id.js';
import type { RouteStatus } from '../../rollout/route-status.js';
import type { DemoContext } from './gate-scenarios.js';
import { sluice } from './run-cli.js';
import { type ScenarioResult, timed } from './scenario.js';
import { drive, type DemoRequest } from './traffic.js';

export interface LiveContext extends DemoContext {
  readonly server: RunningServer;
}

async function until(cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

const status = (ctx: LiveContext): Promise<RouteStatus> => ctx.server.service.status(ctx.route);

/** Production questions: none of them is in the suite. */
const QUESTIONS = [
  'What notice period applies when an employee resigns?',
  'Can my landlord keep the deposit for normal wear and tear?',
  'How long must invoices be kept for tax purposes?',
  'Is a verbal agreement to sell a car binding?',
  'What must a privacy notice tell customers?',
  'Who owns the copyright in software written by a contractor?',
];

export function production(prefix = ''): (n: number) => DemoRequest {
  return (n) => ({
    user: `customer-${n % 400}`,
    content: `${prefix}${QUESTIONS[n % QUESTIONS.length]} (case ${n})`,
    metadata: { jurisdiction: 'BE' },
  });
}

async function registerGated(ctx: DemoContext, file: string): Promise<{ id: string; gate: number }> {
  const reg = await sluice(ctx.dir, ['register', file, '--json']);
  if (reg.code !== 0) throw new Error(`register ${file}: ${reg.stderr.trim()}`);
  const id = reg.json(registered).id;
  return { id, gate: (await sluice(ctx.dir, ['gate', id])).code };
}

/** #8: a release whose long answers time out, rolled out in steps: the error monitor halts the canary at its first step. */
export function longAnswers(ctx: LiveContext, file: string, prefix: string): Promise<ScenarioResult> {
  return timed(8, '0% → 100% at once; long answers time out for 15%', 'roll', async () => {
    const { id, gate } = await registerGated(ctx, file);
    if (gate !== 0)
      return { caught: false, evidence: `the gate did not pass (exit ${gate}): the scenario needs it to` };
    const rolled = await sluice(ctx.dir, ['roll', id]);
    if (rolled.code !== 0) return { caught: false, evidence: `roll refused: ${rolled.stderr.trim()}` };
    await ctx.server.routes.refresh();
    const traffic = await drive(ctx.server.url, ctx.route, production(prefix), {
      done: async () => (await status(ctx)).phase !== 'progressing' && (await status(ctx)).phase !== 'idle',
      timeoutMs: 30_000,
    });
    const s = await status(ctx);
    const err = s.monitors.find((m) => m.name === 'error_rate');
    return {
      caught:
        s.phase === 'rolled_back' &&
        s.stable === ctx.v1 &&
        /error_rate/.test(('halt_reason' in s && s.halt_reason) || ''),
      evidence: `canary error rate ${err?.value?.toFixed(2) ?? '-'} > ${err?.threshold ?? '-'} at ${s.phase === 'rolled_back' ? 'the 5% step' : `${s.weight}%`}: ${s.phase} after ${traffic.canary} canary requests; users on stable never saw it`,
    };
  });
}

/** #9 and #10: promoted, then production answers degrade with latency and errors unchanged; the observer rolls back. */
export function observed(
  ctx: LiveContext,
  id: 9 | 10,
  name: string,
  file: string,
  prefix: string,
  what: string,
): Promise<ScenarioResult> {
  return timed(id, name, 'observe', async () => {
    const { id: rid, gate } = await registerGated(ctx, file);
    if (gate !== 0)
      return { caught: false, evidence: `the gate did not pass (exit ${gate}): the scenario needs it to` };
    if ((await sluice(ctx.dir, ['roll', rid])).code !== 0) return { caught: false, evidence: 'roll refused' };
    await sluice(ctx.dir, ['promote', '--reason', 'canary looked clean', '--actor', 'release-manager']);
    // The running controller holds the lease: it applies the queued promote on its next tick.
    const promoted = await until(async () => (await status(ctx)).phase === 'promoted', 10_000);
    await ctx.server.routes.refresh();
    const traffic = await drive(ctx.server.url, ctx.route, production(prefix), {
      done: async () => (await status(ctx)).phase !== 'promoted',
      timeoutMs: 30_000,
    });
    const s = await status(ctx);
    const log = (
      await sluice(ctx.dir, ['audit', 'log', '--kind', 'observe-rollback', '--release', rid, '--json'])
    ).json(observeRollbackReceipts);
    const series = log[0]?.predicate.what.series ?? [];
    const shown = series
      .map((w) => (what === 'dates' ? `${Math.round((w.detectors.dates ?? 0) * 100)}%` : (w.mean ?? 0).toFixed(2)))
      .join(', ');
    return {
      caught: promoted && s.phase === 'rolled_back' && s.stable === ctx.v1 && log.length === 1,
      evidence: `${what === 'dates' ? 'impossible dates' : 'judged quality'} in ${series.length} windows in a row: ${shown} (errors ${traffic.failed}/${traffic.sent}); observer rolled ${shortId(rid)} back, receipt #${log[0]?.index ?? '-'}`,
    };
  });
}

/** The healthy release walks every step and is promoted. */
export async function healthy(ctx: LiveContext, file: string): Promise<{ phase: string; release: string | null }> {
  const { id, gate } = await registerGated(ctx, file);
  if (gate !== 0) return { phase: `gate exit ${gate}`, release: id };
  if ((await sluice(ctx.dir, ['roll', id])).code !== 0) return { phase: 'roll refused', release: id };
  await ctx.server.routes.refresh();
  await drive(ctx.server.url, ctx.route, production(), {
    done: async () => !['progressing', 'idle'].includes((await status(ctx)).phase),
    timeoutMs: 60_000,
  });
  return { phase: (await status(ctx)).phase, release: id };
}
