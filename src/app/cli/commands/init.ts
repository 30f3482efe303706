import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SluiceError } from '../../../kernel/errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** The starter project shipped with Sluice (examples/starter), found from src/ or dist/. */
export const STARTER_DIR = fileURLToPath(new URL('../../../../examples/starter', import.meta.url));

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name))],
  );
}

export async function runInit(ctx: CliContext, opts: { force?: boolean }): Promise<number> {
  const files = listFiles(STARTER_DIR).sort();
  const clashes = files.filter((f) => existsSync(join(ctx.projectDir, f)));
  if (clashes.length > 0 && !opts.force) {
    throw new SluiceError(
      'bad_usage',
      `${ctx.projectDir} already has ${clashes.join(', ')}; nothing was written (use --force to overwrite)`,
    );
  }
  cpSync(STARTER_DIR, ctx.projectDir, { recursive: true, force: true });
  ctx.print({ project: ctx.projectDir, files }, () =>
    [
      `created a Sluice project in ${ctx.projectDir}:`,
      ...files.map((f) => `  ${f}`),
      '',
      'next: sluice register release.yaml',
    ].join('\n'),
  );
  return EXIT.ok;
}
