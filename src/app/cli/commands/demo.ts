import { demoPassed } from '../../demo/scenario.js';
import { demoTable, scenarioLine } from '../../demo/render.js';
import { runDemo } from '../../demo/demo.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `sluice demo [--keep DIR]`: the ten failures, each caught by its stage; exit 1 if any is missed. */
export async function runDemoCommand(ctx: CliContext, opts: { keep?: string }): Promise<number> {
  const started = performance.now();
  if (!ctx.json) ctx.io.stdout('Sluice demo: replaying the ten failures through register, gate, roll and observe\n\n');
  const result = await runDemo({
    ...(opts.keep ? { keep: opts.keep } : {}),
    onScenario: (s) => !ctx.json && ctx.io.stdout(`${scenarioLine(s)}\n`),
    onNote: (t) => ctx.note(`  … ${t}`),
  });
  const { project: _, ...json } = result;
  ctx.print(
    opts.keep ? result : json,
    () => `\n${demoTable(result)}\n\nfinished in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return demoPassed(result) ? EXIT.ok : EXIT.failed;
}
