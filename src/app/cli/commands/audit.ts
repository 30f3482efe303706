import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { noteVerifierKey, parseVerifierKey } from '../../../audit/tlog/note-verifier-key.js';
import { publicKeyPem } from '../../../audit/envelope/signing-key.js';
import { type AuditBundle, exportBundle, parseBundle, verifyBundle } from '../../../audit/ledger/bundle.js';
import { auditOrigin } from '../../../audit/ledger/open-ledger.js';
import { proveConsistency, proveInclusion } from '../../../audit/ledger/proofs.js';
import type { LogVerdict } from '../../../audit/ledger/verify-leaves.js';
import { verifyStoredLog } from '../../../audit/ledger/verify-store.js';
import { keySourceOf } from '../../../audit/ledger/log-keys.js';
import { formatTlogProof } from '../../../audit/tlog/tlog-proof.js';
import { loadAuditKey, projectPublicKeys, rotateAuditKey } from '../../../audit/ledger/audit-key.js';
import { CONFIG_FILE, readTextFile } from '../../../config/load-config.js';
import { SluiceError } from '../../../kernel/errors.js';
import type { CliContext } from '../context.js';
import { EXIT, verdictExitCode } from '../exit-codes.js';
import { COUNT, numberFlag } from '../number-flag.js';
import { prepareOutputFile } from '../output-file.js';
import { OUTPUT_KINDS } from '../output-kinds.js';

/** --key: a verifier key string, or a file holding one (or a PEM public key). */
function readKeyArg(ctx: CliContext, key: string): string {
  const path = resolve(ctx.io.cwd, key);
  return existsSync(path) ? readTextFile(path, key).trim() : key;
}

/** The verdict as `audit verify --json` prints it: flat, `ok` first. */
function verdictJson(verdict: LogVerdict, extra: Record<string, unknown>) {
  if (verdict.ok) {
    const { entries, root, checkpoints, witnessed } = verdict.value;
    return { ok: true, entries, root, checkpoints, witnessed, ...extra };
  }
  const { index, code, message } = verdict.error;
  return { ok: false, index, code, message, ...extra };
}

function report(ctx: CliContext, verdict: LogVerdict, what: string, extra: Record<string, unknown> = {}): number {
  ctx.print(verdictJson(verdict, extra), () => {
    if (verdict.ok) {
      const v = verdict.value;
      const witnessed =
        v.witnessed === null
          ? ' (no witnessed checkpoint given: removal of the newest entries cannot be ruled out)'
          : `, consistent with the witnessed checkpoint of size ${v.witnessed}`;
      return `ok: ${what}: ${v.entries} entries verified, ${v.checkpoints} checkpoint(s)${witnessed}, root ${v.root}`;
    }
    const e = verdict.error;
    return `FAILED: ${what}: ${e.index === null ? '' : `index ${e.index}: `}${e.message}`;
  });
  return verdictExitCode(verdict);
}

/** --key given as a PEM public key or a verifier key, for the store's log. */
function pinnedKeyOf(ctx: CliContext, key: string): KeyObject {
  const text = readKeyArg(ctx, key);
  const parsed = parseVerifierKey(text);
  if (parsed.ok) return parsed.value.publicKey;
  try {
    return createPublicKey(text);
  } catch {
    throw new SluiceError('bad_usage', `--key: neither a verifier key (name+hex+base64) nor a PEM public key`);
  }
}

/** --checkpoint FILE: a witnessed signed checkpoint (what `audit checkpoint --out` wrote). */
function witnessOf(ctx: CliContext, file: string | undefined): string | undefined {
  return file === undefined ? undefined : readTextFile(resolve(ctx.io.cwd, file), file);
}

const BUNDLE_KEY_WARNING =
  "WARNING: --trust-bundle-key: the bundle is checked against the key it carries, so this shows only that it is internally consistent (every entry under its own checkpoint), not who signed it: anyone can build a bundle that passes this way. Pin the log's key with --key to check the signer.\n";

/**
 * The key a bundle's checkpoint must be signed by: --key, else the project's own
 * signing key when run inside a project, else the bundle's own key only when
 * --trust-bundle-key says so (with a warning of what that leaves unchecked).
 */
async function bundleTrust(
  ctx: CliContext,
  bundle: AuditBundle,
  opts: { key?: string; trustBundleKey?: boolean },
): Promise<{ key: string; source: 'pinned' | 'project' | 'bundle' }> {
  if (opts.key && opts.trustBundleKey)
    throw new SluiceError('bad_usage', '--key and --trust-bundle-key exclude each other');
  if (opts.key) {
    const text = readKeyArg(ctx, opts.key);
    if (parseVerifierKey(text).ok) return { key: text, source: 'pinned' };
    try {
      return { key: noteVerifierKey(bundle.origin, createPublicKey(text)), source: 'pinned' };
    } catch {
      throw new SluiceError('bad_usage', `--key: neither a verifier key (name+hex+base64) nor a PEM public key`);
    }
  }
  if (opts.trustBundleKey) {
    ctx.io.stderr(BUNDLE_KEY_WARNING);
    return { key: bundle.verifier_key, source: 'bundle' };
  }
  if (existsSync(join(ctx.projectDir, CONFIG_FILE))) {
    const config = await ctx.config();
    const own = loadAuditKey(
      { projectDir: ctx.projectDir, keyFile: config.audit.key, keyEnv: config.audit.key_env, env: ctx.io.env },
      false,
    );
    if (own) return { key: noteVerifierKey(auditOrigin(config), own.publicKey), source: 'project' };
  }
  throw new SluiceError(
    'bad_usage',
    "audit verify --bundle needs the log's key: --key VERIFIER_KEY (printed by audit export), or run it inside the project that signed the log; --trust-bundle-key checks only the bundle's internal consistency",
  );
}

export async function runAuditVerify(
  ctx: CliContext,
  opts: { bundle?: string; key?: string; checkpoint?: string; trustBundleKey?: boolean },
): Promise<number> {
  const witness = witnessOf(ctx, opts.checkpoint);
  if (opts.bundle) {
    const file = resolve(ctx.io.cwd, opts.bundle);
    const bundle = parseBundle(readTextFile(file, opts.bundle), opts.bundle);
    const trust = await bundleTrust(ctx, bundle, opts);
    const verdict = await verifyBundle(bundle, trust.key, witness);
    return report(ctx, verdict, opts.bundle, { trusted_key: trust.key, key_source: trust.source });
  }
  if (opts.trustBundleKey) throw new SluiceError('bad_usage', '--trust-bundle-key only applies with --bundle');
  const config = await ctx.config();
  const origin = auditOrigin(config);
  const projectKeys = projectPublicKeys({
    projectDir: ctx.projectDir,
    keyFile: config.audit.key,
    keyEnv: config.audit.key_env,
    env: ctx.io.env,
  });
  const pinnedKey = opts.key ? pinnedKeyOf(ctx, opts.key) : undefined;
  const keySource = keySourceOf(pinnedKey ? { pinned: pinnedKey } : { project: projectKeys });
  const verdict = await verifyStoredLog(await ctx.store(), origin, {
    ...(pinnedKey ? { pinnedKey } : { projectKeys }),
    ...(witness !== undefined ? { witness } : {}),
  });
  if (keySource === 'store')
    ctx.note(
      "note: no --key and no signing key in this project: checkpoints were checked against the keys the store lists, which whoever can write the store can add to; pin the log's key with --key",
    );
  return report(ctx, verdict, 'audit log', { key_source: keySource });
}

export async function runAuditExport(ctx: CliContext, opts: { out: string; force?: boolean }): Promise<number> {
  // --out -: the bundle goes to stdout
  const out =
    opts.out === '-'
      ? null
      : prepareOutputFile(
          ctx.io.cwd,
          { flag: '--out', file: opts.out, kind: OUTPUT_KINDS.auditBundle },
          { force: opts.force, protect: await ctx.protectedFiles() },
        );
  const config = await ctx.config();
  const store = await ctx.store();
  const key = loadAuditKey(
    { projectDir: ctx.projectDir, keyFile: config.audit.key, keyEnv: config.audit.key_env, env: ctx.io.env },
    false,
  );
  if (!key) throw new SluiceError('not_found', 'no audit signing key in this project: nothing has been recorded yet');
  const bundle = await exportBundle(store, auditOrigin(config), key.publicKey);
  if (!out) {
    // the bundle is stdout's one document (with or without --json); the hint goes to stderr
    ctx.io.stdout(`${JSON.stringify(bundle, null, 2)}\n`);
    ctx.note(
      `${bundle.entries.length} entries; verify offline with: sluice audit verify --bundle FILE --key '${bundle.verifier_key}'`,
    );
    return EXIT.ok;
  }
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

/**
 * `audit checkpoint [--out FILE]`: the latest signed checkpoint. With --out it is
 * written to FILE (checked and written atomically like every output file) for a witness to keep outside the store; a later
 * `audit verify --checkpoint FILE` proves the log still extends it.
 */
export async function runAuditCheckpoint(
  ctx: CliContext,
  opts: { out?: string; force?: boolean } = {},
): Promise<number> {
  const out =
    opts.out === undefined
      ? undefined
      : prepareOutputFile(
          ctx.io.cwd,
          { flag: '--out', file: opts.out, kind: OUTPUT_KINDS.auditCheckpoint },
          { force: opts.force, protect: await ctx.protectedFiles() },
        );
  const c = await (await ctx.store()).latestCheckpoint();
  if (!c) throw new SluiceError('not_found', 'the audit log is empty: no checkpoint yet');
  if (out !== undefined && opts.out !== undefined) {
    out.write(c.note);
    ctx.print(
      { size: c.size, note: c.note, created_at: c.createdAt, out: opts.out },
      () =>
        `wrote ${opts.out}: the signed checkpoint of size ${c.size}; keep it outside this store and check the log against it with: sluice audit verify --checkpoint ${opts.out}`,
    );
    return EXIT.ok;
  }
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
