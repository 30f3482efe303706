import { readFileSync } from 'node:fs';
import { gateResultSchema } from '../../gate/gate-record-schema.js';
import { overrideReceipts, registered } from './cli-json.js';
import { join } from 'node:path';
import type { GateResult } from '../../gate/core/gate-result.js';
import { shortId } from '../../release/release-id.js';
import { sluice } from './run-cli.js';
import { type ScenarioResult, timed } from './scenario.js';

export interface DemoContext {
  readonly dir: string;
  readonly route: string;
  readonly v1: string;
}

const f2 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(2));

async function registerAndGate(ctx: DemoContext, file: string) {
  const reg = await sluice(ctx.dir, ['register', file, '--json']);
  if (reg.code !== 0) return { reg, id: null, changes: [] as string[], gate: null, gateCode: -1 };
  const { id, changes } = reg.json(registered);
  const g = await sluice(ctx.dir, ['gate', id, '--json']);
  return { reg, id, changes, gate: g.code === 2 ? null : g.json(gateResultSchema), gateCode: g.code };
}

const failing = (g: GateResult | null) => (g ? g.slices.filter((s) => s.verdict === 'fail') : []);
const describeFail = (s: GateResult['slices'][number]) =>
  `${s.slice} ${f2(s.score)}${s.min !== null && s.score !== null && s.score < s.min ? ` < ${f2(s.min)}` : ` (baseline ${f2(s.baseline_score)})`}`;

/** #1: several components changed at once, unacknowledged → refused at register. */
export function multiChange(ctx: DemoContext): Promise<ScenarioResult> {
  return timed(1, 'model, prompt and routing changed in one release', 'register', async () => {
    const r = await sluice(ctx.dir, ['register', 'releases/s1-multi.yaml']);
    const named = ['model', 'prompt', 'routing'].every((c) => r.stderr.includes(c));
    const what =
      /changes \d+ components at once \([^)]*\)/.exec(r.stderr)?.[0] ?? r.stderr.split('\n')[0]!.slice(0, 80);
    const fix = /acknowledge: \[[^\]]*\]/.exec(r.stderr)?.[0];
    return {
      caught: r.code === 1 && named,
      evidence: `register refused (exit ${r.code}): ${what}${fix ? `; it would take "${fix}"` : ''}`,
    };
  });
}

/** #2 and #3: one component changed: registering makes it visible, the gate then stops it. */
export function oneChangeCaught(
  ctx: DemoContext,
  id: 2 | 3,
  name: string,
  file: string,
  component: string,
  detail: () => string,
): Promise<ScenarioResult> {
  return timed(id, name, 'register', async () => {
    const r = await registerAndGate(ctx, file);
    const fails = failing(r.gate);
    const visible = r.id !== null && r.changes.length === 1 && r.changes[0] === component;
    return {
      caught: visible && r.gateCode === 1 && fails.length > 0,
      evidence: `new release ${r.id ? shortId(r.id) : '-'} changes only ${r.changes.join(', ') || '-'}${detail()}; gate failed ${fails.map(describeFail).join(', ') || '(nothing)'}`,
    };
  });
}

/** #4–#6: the gate fails the slice that regressed while the average looks fine. */
export function sliceCaught(
  ctx: DemoContext,
  id: 4 | 5 | 6,
  name: string,
  file: string,
  slice: string,
  parent?: string,
): Promise<ScenarioResult> {
  return timed(id, name, 'gate', async () => {
    const r = await registerAndGate(ctx, file);
    const s = r.gate?.slices.find((x) => x.slice === slice);
    const p = parent ? r.gate?.slices.find((x) => x.slice === parent) : undefined;
    const parentOk = parent ? p?.verdict !== 'fail' : true;
    const context = parent
      ? ` while ${parent} passes at ${f2(p?.score)}`
      : ` while aggregate ${f2(r.gate?.aggregate.score)}`;
    return {
      caught: r.gateCode === 1 && s?.verdict === 'fail' && parentOk,
      evidence: s
        ? `${describeFail(s)}${s.delta !== null && s.delta < 0 ? ` (Δ ${f2(s.delta)})` : ''}${context}`
        : 'slice not judged',
    };
  });
}

/** #7: an override needs a reason and an actor, on record in a signed receipt. */
export function overrideNeedsReason(ctx: DemoContext): Promise<ScenarioResult> {
  return timed(7, 'a gate bypassed with a bare boolean', 'gate', async () => {
    const reg = await sluice(ctx.dir, ['register', 'releases/s7-override.yaml', '--json']);
    const id = reg.json(registered).id;
    const bare = await sluice(ctx.dir, ['gate', id, '--force-gate-override']);
    const reason = 'hotfix for a regulator deadline; slice owner signed off in TICKET-4711';
    const withReason = await sluice(ctx.dir, [
      'gate',
      id,
      '--force-gate-override',
      '--override-reason',
      reason,
      '--actor',
      'maria.lopez',
      '--json',
    ]);
    const g = withReason.code === 0 ? withReason.json(gateResultSchema) : null;
    const log = await sluice(ctx.dir, ['audit', 'log', '--kind', 'override', '--json']);
    const receipt = log.json(overrideReceipts).at(-1);
    const caught =
      bare.code === 2 &&
      g?.override?.reason === reason &&
      receipt?.actor === 'maria.lopez' &&
      receipt.predicate.why[0] === reason;
    return {
      caught,
      evidence: `bare --force-gate-override refused (exit ${bare.code}); with a reason: verdict stays "${g?.verdict ?? '-'}", receipt #${receipt?.index ?? '-'} names maria.lopez and why`,
    };
  });
}

/** Prompt lengths, for #2's evidence. */
export function promptShrink(dir: string, before: string, after: string): () => string {
  return () => {
    const a = readFileSync(join(dir, before), 'utf8').length;
    const b = readFileSync(join(dir, after), 'utf8').length;
    return ` (system prompt ${a - b} characters shorter)`;
  };
}
