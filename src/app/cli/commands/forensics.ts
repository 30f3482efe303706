import { SluiceError } from '../../../kernel/errors.js';
import { exportForensics } from '../../../audit/forensics/export.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { prepareOutputFile } from '../output-file.js';
import { OUTPUT_KINDS } from '../output-kinds.js';

/** `forensics ROLLOUT --out F`: the candidate's traces, shadow pairs and receipts in one JSON file. */
export async function runForensics(
  ctx: CliContext,
  rolloutId: string,
  opts: { out: string; force?: boolean },
): Promise<number> {
  if (!opts.out) throw new SluiceError('bad_usage', 'forensics needs --out FILE');
  const out = prepareOutputFile(
    ctx.io.cwd,
    { flag: '--out', file: opts.out, kind: OUTPUT_KINDS.forensics },
    { force: opts.force, protect: await ctx.protectedFiles() },
  );
  const doc = await exportForensics(await ctx.store(), rolloutId, ctx.clock);
  const file = out.path;
  out.write(`${JSON.stringify(doc, null, 2)}\n`);
  const summary = {
    out: file,
    rollout: doc.rollout.id,
    status: doc.rollout.status,
    traces: doc.traces.length,
    shadow_pairs: doc.shadow_pairs.length,
    receipts: doc.receipts.length,
  };
  ctx.print(
    summary,
    () =>
      `wrote ${file}: rollout ${doc.rollout.id} (${doc.rollout.status}), ${summary.traces} candidate traces, ${summary.shadow_pairs} shadow pairs, ${summary.receipts} receipts`,
  );
  return EXIT.ok;
}
