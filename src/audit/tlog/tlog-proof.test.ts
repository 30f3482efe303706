import { describe, expect, it } from 'vitest';
import { formatCheckpoint } from './checkpoint.js';
import { CompactRange } from './compact-range.js';
import { leafHash } from './merkle-hash.js';
import { inclusionProof } from './merkle-proof.js';
import { memoryNodes } from './memory-nodes.js';
import { signNote } from './signed-note.js';
import { generateSigningKey, noteVerifierKey } from '../envelope/signing-key.js';
import { formatTlogProof, parseTlogProof, TLOG_PROOF_HEADER } from './tlog-proof.js';
import { verifyTlogProof } from './verify-tlog-proof.js';

const origin = 'sluice.test/audit';
const key = generateSigningKey();
const vkey = noteVerifierKey(origin, key.publicKey);
const entries = Array.from({ length: 11 }, (_, i) => Buffer.from(`decision ${i}`));
const leaves = entries.map((e) => leafHash(e));
const range = CompactRange.empty();
for (const h of leaves) range.append(h);
const checkpoint = signNote(formatCheckpoint({ origin, size: range.size, root: range.root() }), origin, key.privateKey);

function proofFor(index: number, extra?: Buffer): string {
  const p = inclusionProof(index, range.size, memoryNodes(leaves));
  if (!p.ok) throw new Error(p.error.message);
  return formatTlogProof(extra ? { index, proof: p.value, checkpoint, extra } : { index, proof: p.value, checkpoint });
}

describe('tlog-proof format', () => {
  it('lays out header, index, hashes, blank line, checkpoint', () => {
    const text = proofFor(6);
    const lines = text.split('\n');
    expect(lines[0]).toBe(TLOG_PROOF_HEADER);
    expect(lines[1]).toBe('index 6');
    expect(lines.slice(2, 6).every((l) => Buffer.from(l, 'base64').length === 32)).toBe(true);
    expect(lines[6]).toBe('');
    expect(lines.slice(7).join('\n')).toBe(checkpoint);
  });

  it('round-trips with and without extra data', () => {
    for (const extra of [undefined, Buffer.from('context')]) {
      const text = proofFor(3, extra);
      const r = parseTlogProof(text);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.index).toBe(3);
      expect(r.value.checkpoint).toBe(checkpoint);
      expect(r.value.extra).toEqual(extra);
      expect(formatTlogProof(r.value)).toBe(text);
    }
  });

  it('handles an empty proof (a one-entry log)', () => {
    const text = formatTlogProof({ index: 0, proof: [], checkpoint });
    expect(text.startsWith(`${TLOG_PROOF_HEADER}\nindex 0\n\n`)).toBe(true);
    expect(parseTlogProof(text)).toMatchObject({ ok: true, value: { index: 0, proof: [] } });
  });

  it('rejects malformed proofs', () => {
    const good = proofFor(2);
    const bad = [
      good.replace(TLOG_PROOF_HEADER, 'c2sp.org/tlog-proof@v2'),
      good.replace('index 2', 'index 02'),
      good.replace('index 2', 'idx 2'),
      good.replace(/\nindex 2\n[^\n]+/, (m) => `${m.slice(0, -4)}!!!=`),
      good.replace('\n\n', '\n'),
      good.slice(0, good.indexOf('\n\n') + 2),
      `${TLOG_PROOF_HEADER}\nextra **\nindex 1\n\n${checkpoint}`,
    ];
    for (const text of bad) expect(parseTlogProof(text).ok).toBe(false);
  });
});

describe('tlog-proof verification', () => {
  it('verifies every entry of a signed log', () => {
    for (let i = 0; i < entries.length; i++) {
      expect(verifyTlogProof(proofFor(i), leaves[i] as Buffer, { origin, verifierKeys: vkey })).toMatchObject({
        ok: true,
        value: { index: i, checkpoint: { origin, size: 11 } },
      });
    }
  });

  it('rejects the wrong entry, origin or key', () => {
    const text = proofFor(4);
    expect(verifyTlogProof(text, leaves[5] as Buffer, { origin, verifierKeys: vkey })).toMatchObject({
      ok: false,
      error: { code: 'root_mismatch' },
    });
    expect(verifyTlogProof(text, leaves[4] as Buffer, { origin: 'other', verifierKeys: vkey })).toMatchObject({
      ok: false,
      error: { code: 'wrong_origin' },
    });
    const stranger = noteVerifierKey(origin, generateSigningKey().publicKey);
    expect(verifyTlogProof(text, leaves[4] as Buffer, { origin, verifierKeys: stranger })).toMatchObject({
      ok: false,
      error: { code: 'unknown_key' },
    });
    expect(
      verifyTlogProof(text.replace('index 4', 'index 40'), leaves[4] as Buffer, { origin, verifierKeys: vkey }),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad_input' },
    });
  });
});
