import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadReleaseManifest, readTextFile } from '../../../config/load-config.js';
import { type SuiteItem, parseSuite } from '../../../gate/suite.js';
import { SluiceError } from '../../../kernel/errors.js';
import type { RouteStatus } from '../../../rollout/route-status.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { numberFlag, POSITIVE, POSITIVE_INT } from '../number-flag.js';
import { rolloutService, routeOf } from '../rollout-context.js';

export interface TrafficOptions {
  url?: string;
  route?: string;
  rps?: string;
  duration?: string;
  requests?: string;
  concurrency?: string;
  users?: string;
  suite?: string;
  key?: string;
  untilSettled?: boolean;
}

interface Tally {
  sent: number;
  ok: number;
  failed: number;
  arms: { stable: number; canary: number };
  errors: Map<string, number>;
}

const SETTLED = new Set(['promoted', 'rolled_back', 'aborted', 'paused']);

/** The questions sent: the suite's items (release.yaml's dataset.suite unless --suite says otherwise). */
function questions(ctx: CliContext, suite: string | undefined): SuiteItem[] {
  let file = suite;
  if (file === undefined) {
    const release = join(ctx.projectDir, 'release.yaml');
    if (!existsSync(release)) {
      throw new SluiceError('bad_usage', 'no release.yaml here to take the suite from: pass --suite FILE (JSONL)');
    }
    file = loadReleaseManifest(release, ctx.projectDir).value.dataset?.suite;
    if (file === undefined) throw new SluiceError('bad_usage', 'release.yaml has no dataset.suite: pass --suite FILE');
  }
  const path = resolve(ctx.projectDir, file);
  const items = parseSuite(file, readTextFile(path, file));
  if (items.length === 0) throw new SluiceError('bad_input', `${file}: no items to send`, { location: { file } });
  return items;
}

function progressLine(t: Tally, s: RouteStatus | null, elapsedS: number): string {
  const sent = `${String(Math.round(elapsedS)).padStart(4)} s  sent ${t.sent} (ok ${t.ok}, errors ${t.failed}), canary ${t.arms.canary}`;
  if (!s) return sent;
  const p = 'step_progress' in s ? s.step_progress : null;
  const step = p
    ? `: ${p.requests ?? '?'}/${p.min_requests} requests, dwell ${p.elapsed_seconds ?? 0}/${p.dwell_seconds} s`
    : '';
  return `${sent}  |  ${s.phase}, canary ${s.weight}%${step}`;
}

/**
 * Sends the suite's questions to a route through the gateway at a steady rate, as many users
 * (sticky keys) would, and prints what it sent and the route's rollout every few seconds — the
 * way to watch a first canary move without a real application in front of the gateway.
 */
export async function runTraffic(ctx: CliContext, opts: TrafficOptions): Promise<number> {
  const rps = numberFlag('--rps', opts.rps, POSITIVE) ?? 50;
  const durationS = numberFlag('--duration', opts.duration, POSITIVE) ?? (opts.untilSettled ? 600 : 60);
  const maxRequests = numberFlag('--requests', opts.requests, POSITIVE_INT) ?? Number.POSITIVE_INFINITY;
  const concurrency = numberFlag('--concurrency', opts.concurrency, POSITIVE_INT) ?? 32;
  const users = numberFlag('--users', opts.users, POSITIVE_INT) ?? 500;
  const base = (opts.url ?? 'http://127.0.0.1:8787').replace(/\/+$/, '').replace(/\/v1$/, '');
  const items = questions(ctx, opts.suite);
  const route = await routeOf(ctx, opts.route);
  const service = opts.untilSettled || !ctx.json ? await rolloutService(ctx) : null;
  const readStatus = async (): Promise<RouteStatus | null> =>
    service ? service.status(route).catch(() => null) : null;

  const tally: Tally = { sent: 0, ok: 0, failed: 0, arms: { stable: 0, canary: 0 }, errors: new Map() };
  const started = Date.now();
  const end = started + durationS * 1000;
  let stop = false;
  const onSignal = (): void => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  const inFlight = new Set<Promise<void>>();

  const one = async (n: number): Promise<void> => {
    const item = items[n % items.length]!;
    try {
      const res = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-sluice-slice': item.slice,
          ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
        },
        body: JSON.stringify({
          model: route,
          user: `user-${n % users}`,
          messages: item.messages,
          metadata: item.vars,
          ...item.extra,
        }),
      });
      const body = await res.text();
      const arm = res.headers.get('x-sluice-arm');
      if (arm === 'canary' || arm === 'stable') tally.arms[arm]++;
      if (res.ok) tally.ok++;
      else {
        tally.failed++;
        const why = /"message"\s*:\s*"([^"]{0,160})/.exec(body)?.[1] ?? `HTTP ${res.status}`;
        tally.errors.set(why, (tally.errors.get(why) ?? 0) + 1);
      }
    } catch (e) {
      tally.failed++;
      const why = `cannot reach ${base}: ${(e as Error).cause ? String((e as { cause: unknown }).cause) : (e as Error).message}`;
      tally.errors.set(why, (tally.errors.get(why) ?? 0) + 1);
    }
  };

  ctx.note(
    `sending ${rps} requests/s to ${route} at ${base} (${items.length} suite questions, ${users} users)${opts.untilSettled ? ' until the rollout settles' : ''}; Ctrl-C stops`,
  );
  let nextReport = started + 5000;
  let settled: RouteStatus | null = null;
  try {
    while (!stop && Date.now() < end && tally.sent < maxRequests) {
      const due = Math.min(maxRequests, Math.floor(((Date.now() - started) / 1000) * rps) + 1);
      while (tally.sent < due && inFlight.size < concurrency) {
        const p = one(tally.sent++).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (tally.sent === 20 && tally.ok === 0 && tally.failed > 0 && inFlight.size === 0) break;
      if (Date.now() >= nextReport) {
        nextReport += 5000;
        const s = await readStatus();
        ctx.note(progressLine(tally, s, (Date.now() - started) / 1000));
        if (opts.untilSettled && s && SETTLED.has(s.phase)) {
          settled = s;
          break;
        }
      }
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(50, 1000 / rps))));
    }
    await Promise.all(inFlight);
  } finally {
    process.off('SIGINT', onSignal);
  }
  const final = settled ?? (await readStatus());
  const errors = [...tally.errors].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const summary = {
    route,
    sent: tally.sent,
    ok: tally.ok,
    failed: tally.failed,
    arms: tally.arms,
    errors: errors.map(([message, count]) => ({ message, count })),
    phase: final?.phase ?? null,
    weight: final?.weight ?? null,
  };
  ctx.print(summary, () =>
    [progressLine(tally, final, (Date.now() - started) / 1000), ...errors.map(([m, c]) => `  ${c} × ${m}`)].join('\n'),
  );
  return tally.ok === 0 && tally.failed > 0 ? EXIT.failed : EXIT.ok;
}
