import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../src/audit/envelope/signing-key.js';
import { Ledger } from '../src/audit/ledger/ledger.js';
import { auditOrigin, openLedger } from '../src/audit/ledger/open-ledger.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { sha256Digest } from '../src/kernel/digest.js';
import { tempDir } from '../src/kernel/test-support/temp-dir.js';
import { openStore } from '../src/store/open-store.js';
import { freshSqliteUrl } from '../src/store/test-support/store-factories.js';
import { runCli, starterProject } from './support/cli.js';

/**
 * The record under attack: someone with write access to the database (but not
 * to the signing key) edits, removes, swaps or zeroes rows. Each case is a
 * defect a reviewer found; each test fails when its guarantee breaks.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project whose log holds `n` receipts, one transaction (and one checkpoint) each; entry 3 is an override by root. */
async function projectWithLog(n: number): Promise<{ dir: string; url: string; env: NodeJS.ProcessEnv }> {
  const dir = starterProject();
  dirs.push(dir);
  const url = freshSqliteUrl();
  dirs.push(join(url.slice('sqlite:'.length), '..'));
  await appendReceipts(dir, url, 0, n);
  return { dir, url, env: { SLUICE_DB: url } };
}

async function appendReceipts(dir: string, url: string, from: number, to: number): Promise<void> {
  const store = await openStore(url, dir);
  const ledger = openLedger(store, loadProjectConfig(dir).value, dir, {});
  for (let i = from; i < to; i++) {
    await ledger.record({
      kind: i === 3 ? 'override' : 'register',
      subject: sha256Digest(`release-${i}`),
      actor: 'root',
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      ...(i === 3 ? { why: ['hotfix approved by the on-call lead'] } : {}),
    });
  }
  await store.close();
}

const originOf = (dir: string): string => auditOrigin(loadProjectConfig(dir).value);

function sql(url: string, statement: string, ...params: unknown[]): void {
  const db = new Database(url.slice('sqlite:'.length));
  db.prepare(statement).run(...params);
  db.close();
}

describe('the record: stored columns are checked against the signed receipt (SQLite)', () => {
  it('fails verify naming the forged index, and audit log shows what was signed', async () => {
    const { dir, url, env } = await projectWithLog(12);
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
    expect((await cli('audit', 'verify', '--json')).code).toBe(0);

    sql(url, "UPDATE audit_entries SET actor = 'mallory', kind = 'override' WHERE idx = 10");
    // And hide the real override from a kind filter.
    sql(url, "UPDATE audit_entries SET kind = 'register' WHERE idx = 3");

    const verify = await cli('audit', 'verify', '--json');
    expect(verify.code).toBe(1);
    expect(verify.json()).toMatchObject({ ok: false, index: 3, code: 'column_mismatch' });
    sql(url, "UPDATE audit_entries SET kind = 'override' WHERE idx = 3");
    const again = await cli('audit', 'verify', '--json');
    expect(again.json()).toMatchObject({ ok: false, index: 10, code: 'column_mismatch' });
    expect(again.json<{ message: string }>().message).toContain('mallory');

    const overrides = await cli('audit', 'log', '--kind', 'override', '--json');
    const rows = overrides.json<{ index: number; kind: string; actor: string; verified: boolean }[]>();
    expect(rows.map((r) => r.index)).toEqual([3]);
    expect(rows[0]).toMatchObject({ kind: 'override', actor: 'root', verified: true });

    // Filtering by actor reads the signed actor too: mallory signed nothing.
    expect((await cli('audit', 'log', '--by', 'mallory', '--json')).json()).toEqual([]);
    expect((await cli('audit', 'log', '--by', 'root', '--json')).json<unknown[]>()).toHaveLength(12);

    // The full listing shows entry 10 as signed (register by root), marked as not verifying, and exits 1.
    const all = await cli('audit', 'log', '--json');
    expect(all.code).toBe(1);
    const ten = all.json<{ index: number; kind: string; actor: string; verified: boolean; problem: string }[]>()[10]!;
    expect(ten).toMatchObject({ kind: 'register', actor: 'root', verified: false, at: '2026-01-01T00:00:10.000Z' });
    expect(ten.problem).toContain('the stored actor column says "mallory", the signed receipt says "root"');
    const text = await cli('audit', 'log');
    expect(text.stdout.split('\n')[10]).toMatch(/^ +10 +2026-01-01T00:00:10.000Z +register .* root +UNVERIFIED: /);
  });
});

describe('the record: a bundle verifies only against a key the verifier chose (SQLite)', () => {
  it('refuses to verify without a pinned key, warns when told to trust the bundle, uses the project key inside it', async () => {
    const a = await projectWithLog(3);
    const b = await projectWithLog(3);
    const ours = join(a.dir, 'ours.json');
    const theirs = join(a.dir, 'theirs.json');
    expect((await runCli(['audit', 'export', '--out', ours], { cwd: a.dir, env: a.env })).code).toBe(0);
    expect((await runCli(['audit', 'export', '--out', theirs], { cwd: b.dir, env: b.env })).code).toBe(0);
    // A forger's bundle claims our origin (both starter projects share it) and carries its own key.
    expect(JSON.parse(readFileSync(theirs, 'utf8')).origin).toBe(JSON.parse(readFileSync(ours, 'utf8')).origin);

    const outside = await runCli(['audit', 'verify', '--bundle', theirs, '--json'], { cwd: tmpdir() });
    expect(outside.code).toBe(2);
    expect(outside.stdout).not.toContain('"ok":true');
    expect(outside.stdout).toContain('--key');

    const trusting = await runCli(['audit', 'verify', '--bundle', theirs, '--trust-bundle-key', '--json'], {
      cwd: tmpdir(),
    });
    expect(trusting.code).toBe(0);
    expect(trusting.stderr).toContain('WARNING');
    expect(trusting.stderr).toContain('not who signed it');
    expect(trusting.json()).toMatchObject({ ok: true, key_source: 'bundle' });

    // Inside project a, its own key is the pinned one: its bundle passes, the forger's fails.
    const own = await runCli(['audit', 'verify', '--bundle', ours, '--json'], { cwd: a.dir });
    expect(own.json()).toMatchObject({ ok: true, entries: 3, key_source: 'project' });
    const forged = await runCli(['audit', 'verify', '--bundle', theirs, '--json'], { cwd: a.dir });
    expect(forged.code).toBe(1);
    expect(forged.json()).toMatchObject({ ok: false, key_source: 'project' });
  });
});

describe('the record: truncation is caught against a witnessed checkpoint (SQLite)', () => {
  it('verifies consistency from the witness, names the size verified, and fails once the newest entries are gone', async () => {
    const { dir, url, env } = await projectWithLog(12);
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
    const witnessDir = join(dir, 'witness');
    const witness = join(witnessDir, 'checkpoint.note');
    rmSync(witnessDir, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(witnessDir);
    const written = await cli('audit', 'checkpoint', '--out', witness, '--json');
    expect(written.code).toBe(0);
    expect(written.json()).toMatchObject({ size: 12 });
    expect(readFileSync(witness, 'utf8').startsWith(`${originOf(dir)}\n12\n`)).toBe(true);

    // The log grows after the witness saw it: still consistent, and the sizes are said.
    await appendReceipts(dir, url, 12, 14);
    const grown = await cli('audit', 'verify', '--checkpoint', witness, '--json');
    expect(grown.code).toBe(0);
    expect(grown.json()).toMatchObject({ ok: true, entries: 14, witnessed: 12 });
    expect((await cli('audit', 'verify', '--checkpoint', witness)).stdout).toContain(
      '14 entries verified, 14 checkpoint(s), consistent with the witnessed checkpoint of size 12',
    );

    // Offline too: a bundle cut back to 10 entries under its own earlier checkpoint is self-consistent, not to the witness.
    const out = join(dir, 'bundle.json');
    await cli('audit', 'export', '--out', out);
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as {
      verifier_key: string;
      checkpoint: string;
      checkpoints: string[];
      entries: unknown[];
    };
    const offline = (file: string, ...more: string[]) =>
      runCli(['audit', 'verify', '--bundle', file, '--key', bundle.verifier_key, ...more, '--json'], { cwd: tmpdir() });
    expect((await offline(out, '--checkpoint', witness)).json()).toMatchObject({
      ok: true,
      entries: 14,
      witnessed: 12,
    });
    const cut = join(dir, 'cut.json');
    const tenth = bundle.checkpoints.find((c) => c.startsWith(`${originOf(dir)}\n10\n`))!;
    writeFileSync(
      cut,
      JSON.stringify({
        ...bundle,
        checkpoint: tenth,
        checkpoints: bundle.checkpoints.slice(0, 9),
        entries: bundle.entries.slice(0, 10),
      }),
    );
    expect((await offline(cut)).json()).toMatchObject({ ok: true, entries: 10, witnessed: null });
    expect((await offline(cut, '--checkpoint', witness)).json()).toMatchObject({
      ok: false,
      index: 10,
      code: 'truncated',
    });

    // Remove the newest entries, their checkpoints and the tree nodes over them (14 → 9).
    sql(url, 'DELETE FROM audit_entries WHERE idx >= 9');
    sql(url, 'DELETE FROM audit_checkpoints WHERE size > 9');
    const db = new Database(url.slice('sqlite:'.length));
    db.prepare('DELETE FROM audit_nodes WHERE (idx + 1) * (1 << level) > 9').run();
    db.close();
    // Without a witness the shorter log is self-consistent, and verify says it could not rule removal out.
    const alone = await cli('audit', 'verify');
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain('no witnessed checkpoint given');
    const against = await cli('audit', 'verify', '--checkpoint', witness, '--json');
    expect(against.code).toBe(1);
    expect(against.json()).toMatchObject({ ok: false, index: 9, code: 'truncated' });

    // A witness file that is not signed by the log's key is refused, not trusted.
    const other = await projectWithLog(1);
    const foreign = join(witnessDir, 'foreign.note');
    await runCli(['audit', 'checkpoint', '--out', foreign], { cwd: other.dir, env: other.env });
    const refused = await cli('audit', 'verify', '--checkpoint', foreign, '--json');
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ ok: false, code: 'witness_signature' });
  });
});

describe('the record: stored tree nodes are recomputed, and proofs checked before they are printed (SQLite)', () => {
  it('fails verify on a zeroed node and refuses to print the invalid proof it would make', async () => {
    const { dir, url, env } = await projectWithLog(12);
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
    expect((await cli('audit', 'prove', '0', '--json')).code).toBe(0);
    // Entries 2..3's subtree is on the audit path of entry 0.
    sql(url, 'UPDATE audit_nodes SET hash = ? WHERE level = 1 AND idx = 1', Buffer.alloc(32));

    const verify = await cli('audit', 'verify', '--json');
    expect(verify.code).toBe(1);
    expect(verify.json()).toMatchObject({ ok: false, code: 'tree_node' });
    expect(verify.json<{ message: string }>().message).toContain('level 1, index 1 (over entries 2..3)');

    for (const format of ['json', 'tlog-proof']) {
      const prove = await cli('audit', 'prove', '0', '--format', format);
      expect(prove.code).toBe(1);
      expect(prove.stdout).toBe('');
      expect(prove.stderr).toContain('does not lead to the checkpoint');
    }
    // The consistency proof from size 2 needs the same node; checked against the stored checkpoint of size 2.
    const consistency = await cli('audit', 'consistency', '2');
    expect(consistency.code).toBe(1);
    expect(consistency.stdout).toBe('');
    expect(consistency.stderr).toContain('does not verify');
    // An entry whose path avoids the damaged node still gets its (valid) proof.
    expect((await cli('audit', 'prove', '9')).code).toBe(0);
  });
});

describe('the record: the first entry that fails is the one named (SQLite)', () => {
  it('names index 10 when the bodies of 10 and 11 are swapped in a bundle or in the store', async () => {
    const { dir, url, env } = await projectWithLog(12);
    const out = join(dir, 'bundle.json');
    await runCli(['audit', 'export', '--out', out], { cwd: dir, env });
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as {
      verifier_key: string;
      entries: { index: number; body: string }[];
    };
    const [ten, eleven] = [bundle.entries[10]!.body, bundle.entries[11]!.body];
    bundle.entries[10]!.body = eleven;
    bundle.entries[11]!.body = ten;
    const swapped = join(dir, 'swapped.json');
    writeFileSync(swapped, JSON.stringify(bundle));
    const offline = await runCli(['audit', 'verify', '--bundle', swapped, '--key', bundle.verifier_key, '--json'], {
      cwd: tmpdir(),
    });
    expect(offline.code).toBe(1);
    expect(offline.json()).toMatchObject({ ok: false, index: 10, code: 'checkpoint_root' });

    // In the store, with the indexed columns swapped along so that only the order is wrong.
    const db = new Database(url.slice('sqlite:'.length));
    const rows = db
      .prepare('SELECT idx, kind, subject, actor, leaf FROM audit_entries WHERE idx IN (10, 11)')
      .all() as {
      idx: number;
      kind: string;
      subject: string;
      actor: string;
      leaf: Buffer;
    }[];
    const put = db.prepare('UPDATE audit_entries SET kind = ?, subject = ?, actor = ?, leaf = ? WHERE idx = ?');
    put.run(rows[1]!.kind, rows[1]!.subject, rows[1]!.actor, rows[1]!.leaf, 10);
    put.run(rows[0]!.kind, rows[0]!.subject, rows[0]!.actor, rows[0]!.leaf, 11);
    db.close();
    const stored = await runCli(['audit', 'verify', '--json'], { cwd: dir, env });
    expect(stored.json()).toMatchObject({ ok: false, index: 10 });
  });
});

describe('the record: checkpoints must be signed by a key the verifier holds, not one planted in the store (SQLite)', () => {
  it("fails an entry appended under a planted key, unless the verifier has no key of the project's (then it says so)", async () => {
    const { dir, url, env } = await projectWithLog(5);
    // Someone who can write the store, not read .sluice/keys/: a key of their own, recorded in the store, signs on.
    const store = await openStore(url, dir);
    const planted = new Ledger(store, { origin: originOf(dir), key: generateSigningKey() });
    await planted.record({ kind: 'override', subject: sha256Digest('release-x'), actor: 'mallory', at: new Date() });
    await store.close();

    const verify = await runCli(['audit', 'verify', '--json'], { cwd: dir, env });
    expect(verify.code).toBe(1);
    expect(verify.json()).toMatchObject({ ok: false, code: 'checkpoint_signature', key_source: 'project' });

    // A verifier with the store but none of the project's keys falls back to the store's list, and says so.
    const elsewhere = tempDir('sluice-verifier-');
    copyFileSync(join(dir, 'sluice.yaml'), join(elsewhere, 'sluice.yaml'));
    const unpinned = await runCli(['audit', 'verify'], { cwd: elsewhere, env });
    expect(unpinned.code).toBe(0);
    expect(unpinned.stderr).toContain('pin the log');
    const key = (await runCli(['audit', 'export', '--out', join(dir, 'b.json'), '--json'], { cwd: dir, env })).json<{
      verifier_key: string;
    }>().verifier_key;
    const pinned = await runCli(['audit', 'verify', '--key', key, '--json'], { cwd: elsewhere, env });
    expect(pinned.code).toBe(1);
    expect(pinned.json()).toMatchObject({ ok: false, key_source: 'pinned' });
  });
});
