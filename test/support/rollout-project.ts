import type { RolloutStatusJson } from '../../src/rollout/core/index.js';
import type { RouteStatus } from '../../src/rollout/route-status.js';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { starterProject } from './cli.js';

/** The starter project with short dwell times, full sampling, and extra simulated models for rollouts. */
export function rolloutProject(): string {
  const dir = starterProject();
  const cfg = join(dir, 'sluice.yaml');
  let text = readFileSync(cfg, 'utf8');
  text = text.replace(/rollout:\n( {2}.*\n)+/, '');
  text = text.replace(/observe: .*\n/, '');
  text +=
    // Loose margins (a 20-point error increase) so that a few dozen canary requests prove a step (anytime-valid monitors).
    'rollout:\n  steps: [5, 25, 100]\n  dwell_seconds: 1\n  min_requests: 20\n  interval_seconds: 2\n  monitors: { error_rate: 0.2, error_rate_increase: 0.2, latency_p95_ratio: 5, quality_drop: 0.3, cost_ratio: 5 }\n' +
    'observe: { sample_rate: 0.5, window_seconds: 1, consecutive: 3, min_quality: 0.5 }\n';
  writeFileSync(cfg, text);
  appendFileSync(
    join(dir, 'sim/models.yaml'),
    [
      '  noisy-v6:',
      '    quality: { "*": 0.86 }',
      '    latency_ms: { median: 40, p95: 240 }',
      '    error_rate: 0.01',
      '  broken-v4:',
      '    quality: { "*": 0.87 }',
      '    latency_ms: { median: 40, p95: 120 }',
      '    error_rate: 0.5',
      '  hedging-v5:',
      '    quality: { "*": 0.87 }',
      '    latency_ms: { median: 40, p95: 120 }',
      '    rules:',
      '      - { when: { matches: "\\\\b[Pp]lease\\\\b" }, hedging_rate: 0.9 }',
      '',
    ].join('\n'),
  );
  return dir;
}

/** Writes release.yaml for `model` against `baseline`. */
export function releaseFor(dir: string, model: string, baseline?: string, extra = ''): void {
  const file = join(dir, 'release.yaml');
  const base = readFileSync(file, 'utf8')
    .replace(/^baseline: .*\n/m, '')
    .replace(/^acknowledge: .*\n/m, '')
    .replace(/name: helpful-v\d|name: [a-z]+-v\d/, `name: ${model}`);
  writeFileSync(file, `${base}${baseline ? `baseline: "${baseline}"\n` : ''}${extra}`);
}

/** The route's rollout status; a test that expects a rollout fails here when the route is idle. */
export function rolloutOf(s: RouteStatus): RolloutStatusJson {
  if (s.rollout === null) throw new Error(`route ${s.route} is idle: no rollout`);
  return s;
}
