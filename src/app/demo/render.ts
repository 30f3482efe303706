import type { DemoResult, ScenarioResult } from './scenario.js';

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

/** One live line per scenario as it finishes. */
export function scenarioLine(s: ScenarioResult): string {
  return `${s.caught ? '✓' : '✗'} ${String(s.id).padStart(2)}  ${pad(s.name, 58)} ${pad(s.caught ? `caught at ${s.caught_at}` : `NOT caught (${s.caught_at})`, 20)} ${s.seconds.toFixed(1)} s`;
}

/** The final table: failure, stage, evidence, time. */
export function demoTable(r: DemoResult): string {
  const rows = r.scenarios.map(
    (s) =>
      `${String(s.id).padStart(2)} │ ${pad(s.name, 44)} │ ${pad(s.caught ? s.caught_at : `MISSED`, 8)} │ ${s.seconds.toFixed(1).padStart(5)} s │ ${s.evidence}`,
  );
  return [
    ' # │ failure                                      │ stage    │  time   │ evidence',
    '───┼──────────────────────────────────────────────┼──────────┼─────────┼─────────',
    ...rows,
    '',
    `healthy release: ${r.healthy.phase}${r.healthy.release ? ` (${r.healthy.release.slice(0, 19)}…)` : ''}`,
    `audit log: ${r.audit.ok ? 'verified' : 'FAILED verification'}, ${r.audit.entries} signed receipts`,
    `project: ${r.project}`,
  ].join('\n');
}
