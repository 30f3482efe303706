import { readTextFile } from '../../../config/load-config.js';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { badInput, SluiceError } from '../../../kernel/errors.js';

/**
 * `sluice attest-weights DIR`: prints the folder's model-signing manifest (an
 * in-toto statement) on stdout. With --verify it re-hashes and compares
 * instead, exiting 1 on a mismatch; --manifest names the expected manifest so
 * the message says which file differs.
 *
 * To wire it into the CLI, add ATTEST_WEIGHTS_COMMAND to COMMANDS in
 * src/app/cli/registry.ts.
 */

export interface AttestWeightsCliOptions {
  ignore?: string[];
  verify?: string;
  manifest?: string;
}

export async function runAttestWeights(
  ctx: CliContext,
  dir: string,
  opts: AttestWeightsCliOptions = {},
): Promise<number> {
  const { attestWeights, verifyWeights } = await import('../../../release/weights/attest.js');
  const folder = resolve(ctx.io.cwd, dir);
  const started = process.hrtime.bigint();

  if (opts.verify === undefined) {
    if (opts.manifest !== undefined) throw new SluiceError('bad_usage', '--manifest goes with --verify');
    const a = await attestWeights(folder, { ignorePaths: opts.ignore ?? [] });
    ctx.io.stdout(`${JSON.stringify(a.manifest, null, 2)}\n`);
    ctx.note(`${a.rootDigest}  ${a.files} files, ${formatBytes(a.bytes)} in ${seconds(started)} s`);
    return EXIT.ok;
  }

  const expectedManifest = opts.manifest === undefined ? undefined : readJson(resolve(ctx.io.cwd, opts.manifest));
  const r = await verifyWeights(folder, opts.verify, { expectedManifest, ignorePaths: opts.ignore ?? [] });
  ctx.print(r, () => (r.ok ? `ok ${r.rootDigest}` : `mismatch: ${r.message}`));
  return r.ok ? EXIT.ok : EXIT.failed;
}

function readJson(file: string): unknown {
  const text = readTextFile(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badInput(`the expected manifest ${file} is not JSON: ${(e as Error).message}`, { file });
  }
}

function seconds(started: bigint): string {
  return (Number(process.hrtime.bigint() - started) / 1e9).toFixed(2);
}

function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${n} bytes`;
}
