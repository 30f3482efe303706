import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { noteVerifierKey, parseVerifierKey } from '../../../audit/tlog/note-verifier-key.js';
import { publicKeyPem } from '../../../audit/envelope/signing-key.js';
import { exportBundle, parseBundle, verifyBundle } from '../../../audit/ledger/bundle.js';
import { auditOrigin } from '../../../audit/ledger/open-ledger.js';
import { proveConsistency, proveInclusion } from '../../../audit/ledger/proofs.js';
import type { LogVerdict } from '../../../audit/ledger/verify-leaves.js';
import { verifyStoredLog } from '../../../audit/ledger/verify-store.js';
import { formatTlogProof } from '../../../audit/tlog/tlog-proof.js';
import { loadAuditKey, rotateAuditKey } from '../../../audit/ledger/audit-key.js';
import { readTextFile } from '../../../config/load-config.js';
import { SluiceError } from '../../../kernel/errors.js';
import type { CliContext } from '../context.js';
import { EXIT, verdictExitCode } from '../exit-codes.js';
import { COUNT, numberFlag } from '../number-flag.js';
import { prepareOutputFile } from '../output-file.js';
import { OUTPUT_KINDS } from '../output-kinds.js';

/** --key: a verifier key string, or a file holding one (or a PEM public key). */
function readKeyArg(ctx: CliContext, key: string): string {
  const path = resolve(ctx.io.cwd, key);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : key;
}

/** The verdict as `audit verify --json` prints it: flat, `ok` first. */
function verdictJson(verdict: LogVerdict) {
  if (verdict.ok) {
    const { entries, root, checkpoints } = verdict.value;
    return { ok: true, entries, root, checkpoints };
  }
  const { index, code, message } = verdict.error;
  return { ok: false, index, code, message };
}

function report(ctx: CliContext, verdict: LogVerdict, what: string): number {
  ctx.print(verdictJson(verdict), () => {
    if (verdict.ok) {
      const v = verdict.value;
      return `ok: ${what}: ${v.entries} entries, ${v.checkpoints} checkpoint(s), root ${v.root}`;
    }
    const e = verdict.error;
    return `FAILED: ${what}: ${e.index === null ? '' : `index ${e.index}: `}${e.message}`;
  });
  return verdictExitCode(verdict);
}

export async function runAuditVerify(ctx: CliContext, opts: { bundle?: string; key?: string }): Promise<number> {
  if (opts.bundle) {
    const file = resolve(ctx.io.cwd, opts.bundle);
    const bundle = parseBundle(readTextFile(file, opts.bundle), opts.bundle);
    return report(ctx, await verifyBundle(bundle, opts.key ? readKeyArg(ctx, opts.key) : undefined), opts.bundle);
  }
  const config = await ctx.config();
  const origin = auditOrigin(config);
  let pinned: KeyObject | undefined;
  if (opts.key) {
    const text = readKeyArg(ctx, opts.key);
    const parsed = parseVerifierKey(text);
    if (parsed.ok) pinned = parsed.value.publicKey;
    else {
      try {
        pinned = createPublicKey(text);
      } catch {
        throw new SluiceError('bad_usage', `--key: neither a verifier key (name+hex+base64) nor a PEM public key`);
      }
    }
  }
  return report(ctx, await verifyStoredLog(await ctx.store(), origin, pinned), 'audit log');
}

export async function runAuditExport(ctx: CliContext, opts: { out: string; force?: boolean }): Promise<number> {
  const out = prepareOutputFile(
    ctx.io.cwd,
    { flag: '--out', file: opts.out, kind: OUTPUT_KINDS.auditBundle },
    { force: opts.force },
  );
  const config = await ctx.config();
  const store = await ctx.store();
  const key = loadAuditKey(
    { projectDir: ctx.projectDir, keyFile: config.audit.key, keyEnv: config.audit.key_env, env: ctx.io.env },
    false,
  );
  if (!key) throw new SluiceError('not_found', 'no audit signing key in this project: nothing has been recorded yet');
  const bundle = await exportBundle(store, auditOrigin(config), key.publicKey);
  out.write(`${JSON.stringify(bundle, null, 2)}\n`);
  ctx.print(
    { ok: true, out: opts.out, entries: bundle.entries.length, verifier_key: bundle.verifier_key },
    () =>
      `wrote ${opts.out}: ${bundle.entries.length} entries; verify offline with: sluice audit verify --bundle ${opts.out} --key '${bundle.verifier_key}'`,
  );
  return EXIT.ok;
}

export async function runAuditProve(ctx: CliContext, index: string, opts: { format?: string }): Promise<number> {
  const p = await proveInclusion(await ctx.store(), numberFlag('INDEX', index, COUNT)!);
  if (opts.format === 'tlog-proof') {
    ctx.io.stdout(formatTlogProof({ index: p.index, proof: p.proofBuffers, checkpoint: p.checkpoint }));
    return EXIT.ok;
  }
  if (opts.format !== undefined && opts.format !== 'json')
    throw new SluiceError('bad_usage', `unknown --format "${opts.format}" (json or tlog-proof)`);
  const { proofBuffers: _, ...out } = p;
  ctx.print(out, () =>
    [
      `entry ${p.index} of ${p.size}`,
      `leaf hash ${p.leaf_hash}`,
      ...p.proof.map((h, i) => `  ${i}: ${h}`),
      '',
      p.checkpoint.trimEnd(),
    ].join('\n'),
  );
  return EXIT.ok;
}

export async function runAuditConsistency(ctx: CliContext, oldSize: string): Promise<number> {
  const p = await proveConsistency(await ctx.store(), numberFlag('OLD_SIZE', oldSize, COUNT)!);
  ctx.print(p, () =>
    [
      `consistency ${p.old_size} → ${p.size}`,
      ...p.proof.map((h, i) => `  ${i}: ${h}`),
      '',
      p.checkpoint.trimEnd(),
    ].join('\n'),
  );
  return EXIT.ok;
}

export async function runAuditCheckpoint(ctx: CliContext): Promise<number> {
  const c = await (await ctx.store()).latestCheckpoint();
  if (!c) throw new SluiceError('not_found', 'the audit log is empty: no checkpoint yet');
  if (ctx.json) ctx.print({ size: c.size, note: c.note, created_at: c.createdAt }, () => '');
  else ctx.io.stdout(c.note);
  return EXIT.ok;
}

export async function runAuditRotateKey(ctx: CliContext): Promise<number> {
  const config = await ctx.config();
  if (config.audit.key || config.audit.key_env || ctx.io.env.SLUICE_AUDIT_KEY) {
    throw new SluiceError(
      'bad_usage',
      'the signing key comes from audit.key / audit.key_env / SLUICE_AUDIT_KEY: rotate it there',
    );
  }
  const key = rotateAuditKey(ctx.projectDir);
  // Record the new public key now, so the log knows it before it signs anything.
  await (await ctx.store()).putAuditKey(key.keyid, publicKeyPem(key.publicKey));
  ctx.print(
    { keyid: key.keyid, verifier_key: noteVerifierKey(auditOrigin(config), key.publicKey) },
    () => `new signing key ${key.keyid}; earlier entries stay verifiable with the old public key kept in the store`,
  );
  return EXIT.ok;
}
