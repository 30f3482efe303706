import type { MonitorView, StepProgress } from '../../../rollout/core/index.js';
import type { RouteStatus } from '../../../rollout/route-status.js';

/** `sluice status` for people: what the rollout is doing, why its step waits, and each monitor's evidence. */

const num = (v: number | null, digits = 3): string =>
  v === null ? '-' : Math.abs(v) >= 1e5 ? v.toExponential(1) : Number(v.toFixed(digits)).toString();

function stepLines(p: StepProgress, steps: number): string[] {
  const requests = `${p.requests ?? '?'} of ${p.min_requests} canary requests`;
  const dwell =
    p.elapsed_seconds === null
      ? `dwell ${p.dwell_seconds} s (not started)`
      : `dwell ${p.elapsed_seconds} s of ${p.dwell_seconds} s (${p.dwell_remaining_seconds} s left)`;
  return [
    `  step ${p.index + 1}/${steps} at ${p.weight}%: ${requests}, ${dwell}`,
    ...(p.deadline ? [`  deadline  ${p.deadline} (the step pauses itself then if it still cannot end)`] : []),
    p.waiting_for.length === 0
      ? '  waiting for: nothing; the step ends at the next controller tick'
      : `  waiting for: ${p.waiting_for.join('; ')}`,
  ];
}

function monitorLine(m: MonitorView): string {
  const interval = m.interval ? ` interval [${num(m.interval[0])}, ${num(m.interval[1])}]` : '';
  const evidence =
    m.evidence === null
      ? ''
      : ` evidence ${num(m.evidence, 2)}${m.alpha ? ` (decides at ${num(1 / m.alpha, 1)})` : ''}`;
  const needed =
    m.needed === null || m.needed <= 0 || m.status !== 'inconclusive' ? '' : `, ~${Math.ceil(m.needed)} more requests`;
  return [
    `    ${m.name.padEnd(20)} ${m.status.padEnd(12)} ${num(m.value)} (limit ${m.threshold})${interval}${evidence}${needed}`,
    `      ${m.detail}`,
  ].join('\n');
}

export function statusText(s: RouteStatus): string {
  if (s.phase === 'idle' && s.candidate === null) {
    return [`${s.route}: idle (no rollout)`, `  stable    ${s.stable}`, '  sluice roll ID starts one'].join('\n');
  }
  const steps = `step ${s.step + 1}/${s.steps.length}: ${s.steps.join(' → ')}`;
  const head =
    s.phase === 'idle'
      ? `${s.route}: idle, rollout ${s.rollout} waits for the controller to start it (is sluice serve running?)`
      : `${s.route}: ${s.phase}, canary ${s.weight}% (${steps})`;
  const lines = [head, `  stable    ${s.stable}`, `  candidate ${s.candidate ?? '-'}`];
  if ('step_progress' in s && s.step_progress) lines.push(...stepLines(s.step_progress, s.steps.length));
  if ('paused' in s && s.paused) lines.push(`  paused by ${s.paused.by} at ${s.paused.at}: ${s.paused.reason}`);
  if ('halt_reason' in s && s.halt_reason) lines.push(`  halted: ${s.halt_reason}`);
  if (s.monitors.length > 0) {
    const score =
      'score' in s && s.score !== null
        ? ` (score ${num(s.score, 1)}/100: the weighted share of conclusive monitors that pass; a summary, each monitor decides)`
        : '';
    lines.push(`  monitors${score}`, ...s.monitors.map(monitorLine));
  }
  if (s.events.length > 0) {
    lines.push('  events', ...s.events.slice(-8).map((e) => `    ${e.at}  ${e.kind.padEnd(14)} ${e.message}`));
  }
  return lines.join('\n');
}
