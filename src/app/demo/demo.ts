import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { registered, verified } from './cli-json.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProjectConfig } from '../../config/load-config.js';
import { SluiceError } from '../../kernel/errors.js';
import { startServer } from '../server/start-server.js';
import { openStore, storeUrl } from '../../store/open-store.js';
import {
  multiChange,
  oneChangeCaught,
  overrideNeedsReason,
  promptShrink,
  sliceCaught,
  type DemoContext,
} from './gate-scenarios.js';
import { healthy, longAnswers, observed } from './live-scenarios.js';
import { sluice } from './run-cli.js';
import type { DemoResult, ScenarioResult } from './scenario.js';

/** The example project the demo replays (examples/legal-assistant), found from src/ or dist/. */
export const EXAMPLE_DIR = fileURLToPath(new URL('../../../examples/legal-assistant', import.meta.url));
const ROUTE = 'legal-assistant';

/** Production phrasings the example's simulated models react to (see examples/legal-assistant/README.md). */
export const PHRASES = { longAnswers: 'Draft a full ', hedging: 'Please advise: ', dates: 'Please advise: ' };

export interface DemoOptions {
  /** Keep the project here instead of a temporary folder. */
  readonly keep?: string;
  readonly onScenario?: (s: ScenarioResult) => void;
  readonly onNote?: (text: string) => void;
}

/** The demo's project folder: `keep`, or a new temporary folder (`temp`, removed when the demo ends). */
function projectDir(keep: string | undefined): { dir: string; temp: string | null } {
  if (!keep) {
    const temp = mkdtempSync(join(tmpdir(), 'sluice-demo-'));
    return { dir: join(temp, 'legal-assistant'), temp };
  }
  const dir = resolve(keep);
  mkdirSync(dir, { recursive: true });
  return { dir, temp: null };
}

/**
 * Replays the ten failures of DESIGN.md and a healthy release through the real
 * stages, on the embedded SQLite store: real register refusals, real gate runs,
 * a real gateway with generated traffic, a real controller and observer. No
 * outcome is scripted: a stage that stopped catching its failure shows as missed.
 * Without `keep`, the temporary project (its store and audit signing key included) is
 * removed when the demo ends, however it ends.
 */
export async function runDemo(opts: DemoOptions = {}): Promise<DemoResult> {
  const { dir, temp } = projectDir(opts.keep);
  const remove = (): void => {
    if (temp) rmSync(temp, { recursive: true, force: true });
  };
  // Ctrl-C or a kill: remove the folder, then end as the signal would have.
  const onSignal = (signal: NodeJS.Signals): void => {
    remove();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  if (temp) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    return await replay(dir, opts);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    remove();
  }
}

async function replay(dir: string, opts: DemoOptions): Promise<DemoResult> {
  cpSync(EXAMPLE_DIR, dir, { recursive: true, filter: (src) => !src.includes(`${'/'}.sluice`) });
  const note = opts.onNote ?? (() => {});
  const results: ScenarioResult[] = [];
  const done = (s: ScenarioResult) => {
    results.push(s);
    opts.onScenario?.(s);
  };

  note(`project ${dir}: registering, gating and rolling the baseline`);
  const reg = await sluice(dir, ['register', 'releases/v1.yaml', '--json']);
  if (reg.code !== 0)
    throw new SluiceError('internal', `the example's baseline does not register: ${reg.stderr.trim()}`);
  const v1 = reg.json(registered).id;
  const gate = await sluice(dir, ['gate', v1]);
  if (gate.code !== 0)
    throw new SluiceError('internal', `the example's baseline does not pass its gate (exit ${gate.code})`);
  await sluice(dir, ['roll', v1]);
  const ctx: DemoContext = { dir, route: ROUTE, v1 };

  done(await multiChange(ctx));
  done(
    await oneChangeCaught(
      ctx,
      2,
      'a prompt edited outside review, safety text dropped',
      'releases/s2-prompt.yaml',
      'prompt',
      promptShrink(dir, 'prompts/legal.md', 'prompts/legal-no-safety.md'),
    ),
  );
  done(
    await oneChangeCaught(
      ctx,
      3,
      'serving forgot to lowercase a field (preprocessing skew)',
      'releases/s3-skew.yaml',
      'preprocessing',
      () => ' (lowercase of jurisdiction dropped)',
    ),
  );
  done(
    await sliceCaught(
      ctx,
      4,
      'fine-tune collapses IP licensing, average looks fine',
      'releases/s4-ipcollapse.yaml',
      'legal/ip-licensing',
    ),
  );
  done(
    await sliceCaught(
      ctx,
      5,
      'pediatric oncology drops under its 0.68 threshold',
      'releases/s5-peds.yaml',
      'medical/pediatric-oncology',
    ),
  );
  done(
    await sliceCaught(
      ctx,
      6,
      'French improves overall, Belgian French regresses',
      'releases/s6-frbe.yaml',
      'fr/fr-BE',
      'fr',
    ),
  );
  done(await overrideNeedsReason(ctx));

  const config = loadProjectConfig(dir).value;
  const store = await openStore(storeUrl(config.store, {}), dir);
  note('starting the gateway, controller and observer');
  const server = await startServer({
    store,
    config,
    projectDir: dir,
    env: {},
    port: 0,
    tickMs: 100,
    pollMs: 100,
    observeTickMs: 250,
    simTimeScale: 0.02,
  });
  let healthyResult: DemoResult['healthy'] = { phase: 'not run', release: null };
  try {
    const live = { ...ctx, server };
    done(await longAnswers(live, 'releases/s8-longanswers.yaml', PHRASES.longAnswers));
    done(
      await observed(
        live,
        9,
        'a safety tune makes the assistant hedge',
        'releases/s9-hedging.yaml',
        PHRASES.hedging,
        'quality',
      ),
    );
    done(
      await observed(
        live,
        10,
        'a fine-tune invents dates ("Thursday March 32nd")',
        'releases/s10-dates.yaml',
        PHRASES.dates,
        'dates',
      ),
    );
    note('rolling out the healthy release');
    healthyResult = await healthy(live, 'releases/healthy.yaml');
  } finally {
    await server.close();
    await store.close();
  }
  const verify = await sluice(dir, ['audit', 'verify', '--json']);
  const audit = verify.json(verified);
  return {
    scenarios: results,
    healthy: healthyResult,
    audit: { ok: audit.ok, entries: audit.entries ?? 0 },
    project: dir,
  };
}
