import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCheckpoint } from './checkpoint.js';
import { CompactRange, type StoredNode } from './compact-range.js';
import { leafHash } from './merkle-hash.js';
import { consistencyProof, inclusionProof, type GetNode } from './merkle-proof.js';
import { signNote } from './signed-note.js';
import { generateSigningKey, noteVerifierKey } from '../envelope/signing-key.js';
import { tempDir } from '../../kernel/test-support/temp-dir.js';

/**
 * Cross-checks Sluice's log against the Go reference code
 * (golang.org/x/mod/sumdb/note and sumdb/tlog) via test/interop/go/verify.go.
 * Built in GOPATH mode from Debian's golang-golang-x-mod-dev sources
 * (/usr/share/gocode, or SLUICE_GO_PATH), offline. Skipped when go or those
 * sources are missing.
 */
const goPath = process.env.SLUICE_GO_PATH ?? '/usr/share/gocode';
const source = join(import.meta.dirname, '../../../test/interop/go/verify.go');
const goEnv = { ...process.env, GOPATH: goPath, GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '' };
const hasGo = spawnSync('go', ['version'], { env: goEnv, timeout: 30_000 }).status === 0;
const hasXMod = existsSync(join(goPath, 'src/golang.org/x/mod/sumdb/note'));
const skip = !hasGo || !hasXMod;
if (skip) {
  console.warn(`go-interop: skipped (${hasGo ? `golang.org/x/mod not found under ${goPath}` : 'go is not on PATH'})`);
}

const work = skip ? '' : tempDir('sluice-go-interop-');
const binary = join(work, 'verify');
const origin = 'sluice.test/interop';

function runVerifier(input: unknown): { status: number | null; out: string } {
  const file = join(work, `input-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(input));
  const r = spawnSync(binary, [file], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function buildLog(bodies: Buffer[]) {
  const key = generateSigningKey();
  const range = CompactRange.empty();
  const nodes = new Map<string, Buffer>();
  const roots: Buffer[] = [range.root()];
  for (const body of bodies) {
    for (const n of range.append(leafHash(body)) as StoredNode[]) nodes.set(`${n.level}/${n.index}`, n.hash);
    roots.push(range.root());
  }
  const getNode: GetNode = (level, index) => nodes.get(`${level}/${index}`) ?? Buffer.alloc(0);
  const checkpoint = signNote(
    formatCheckpoint({ origin, size: range.size, root: range.root() }),
    origin,
    key.privateKey,
  );
  return { key, range, roots, getNode, checkpoint, verifierKey: noteVerifierKey(origin, key.publicKey) };
}

describe.skipIf(skip)('Go reference verifier', () => {
  beforeAll(() => {
    const r = spawnSync('go', ['build', '-o', binary, source], {
      env: { ...goEnv, GOCACHE: join(work, 'cache') },
      encoding: 'utf8',
      timeout: 110_000,
    });
    if (r.status !== 0) throw new Error(`go build failed: ${r.stderr}`);
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const bodies = Array.from({ length: 13 }, (_, i) => Buffer.from(JSON.stringify({ seq: i, kind: 'gate' })));
  const log = buildLog(bodies);
  const entries = bodies.map((b, index) => ({ index, body: b.toString('base64') }));
  const proofs = bodies.map((_, index) => {
    const p = inclusionProof(index, bodies.length, log.getNode);
    if (!p.ok) throw new Error(p.error.message);
    return { index, proof: p.value.map((h) => h.toString('base64')) };
  });
  const cons = consistencyProof(6, bodies.length, log.getNode);
  if (!cons.ok) throw new Error(cons.error.message);
  const consistency = {
    size: 6,
    root: log.roots[6]?.toString('base64'),
    proof: cons.value.map((h) => h.toString('base64')),
  };
  const good = {
    verifier_key: log.verifierKey,
    checkpoint: log.checkpoint,
    entries,
    inclusion_proofs: proofs,
    consistency,
  };

  it('accepts the signed checkpoint, the root and every proof', () => {
    const r = runVerifier(good);
    expect(r.out.trim()).toBe('OK');
    expect(r.status).toBe(0);
  });

  it('rejects a tampered entry', () => {
    const tampered = {
      ...good,
      entries: entries.map((e, i) => (i === 4 ? { ...e, body: Buffer.from('forged').toString('base64') } : e)),
    };
    const r = runVerifier(tampered);
    expect(r.status).toBe(1);
    expect(r.out).toContain('root mismatch');
  });

  it('rejects a checkpoint signed by another key', () => {
    const stranger = noteVerifierKey(origin, generateSigningKey().publicKey);
    const r = runVerifier({ ...good, verifier_key: stranger });
    expect(r.status).toBe(1);
    expect(r.out).toContain('checkpoint signature');
  });

  it('rejects a wrong inclusion proof', () => {
    const swapped = [{ index: 2, proof: proofs[3]?.proof }];
    const r = runVerifier({ ...good, inclusion_proofs: swapped });
    expect(r.status).toBe(1);
    expect(r.out).toContain('inclusion proof 2');
  });

  it('rejects a consistency proof from the wrong size', () => {
    const r = runVerifier({ ...good, consistency: { ...consistency, size: 7 } });
    expect(r.status).toBe(1);
    expect(r.out).toContain('consistency proof');
  });

  it('accepts logs of every size from 1 to 20', () => {
    for (let n = 1; n <= 20; n++) {
      const b = bodies.concat(bodies).slice(0, n);
      const l = buildLog(b);
      const r = runVerifier({
        verifier_key: l.verifierKey,
        checkpoint: l.checkpoint,
        entries: b.map((x, index) => ({ index, body: x.toString('base64') })),
      });
      expect(r.out.trim(), `size ${n}`).toBe('OK');
    }
  });
});
