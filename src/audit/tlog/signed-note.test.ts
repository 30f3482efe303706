import { describe, expect, it } from 'vitest';
import { generateSigningKey, noteVerifierKey } from '../envelope/signing-key.js';
import { signNote, splitNote, verifyNote } from './signed-note.js';
import { ed25519FromSeed, PETER_NEUMANN } from '../test-support/test-keys.js';

const peter = ed25519FromSeed(Buffer.from(PETER_NEUMANN.seedBase64, 'base64'));
const published = `${PETER_NEUMANN.text}\n${PETER_NEUMANN.signatureLine}`;

describe('signed notes', () => {
  it('reproduces the published signed note byte for byte', () => {
    expect(signNote(PETER_NEUMANN.text, PETER_NEUMANN.name, peter)).toBe(published);
  });

  it('verifies the published note', () => {
    expect(verifyNote(published, PETER_NEUMANN.verifierKey)).toEqual({
      ok: true,
      value: { text: PETER_NEUMANN.text, verifiedBy: [{ name: 'PeterNeumann', keyId: 0xc74f20a3 }] },
    });
    expect(verifyNote(Buffer.from(published), [PETER_NEUMANN.verifierKey]).ok).toBe(true);
  });

  it('covers the final newline and allows blank lines inside the text', () => {
    const key = generateSigningKey();
    const vkey = noteVerifierKey('sluice.test/log', key.publicKey);
    const text = 'first\n\nthird\n';
    const note = signNote(text, 'sluice.test/log', key.privateKey);
    expect(verifyNote(note, vkey)).toMatchObject({ ok: true, value: { text } });
    // Same signature moved onto the text without its final newline does not verify.
    const sigLine = note.slice(note.lastIndexOf('\n\n') + 2);
    expect(verifyNote(`first\n\nthird \n\n${sigLine}`, vkey)).toMatchObject({
      ok: false,
      error: { code: 'bad_signature' },
    });
  });

  it('rejects text that does not end in a newline', () => {
    expect(() => signNote('no newline', 'n', peter)).toThrow(RangeError);
    expect(() => signNote('tab\there\n', 'n', peter)).toThrow(RangeError);
  });

  it('ignores unknown keys, and fails when no trusted key signed', () => {
    const other = generateSigningKey();
    const otherKey = noteVerifierKey('PeterNeumann', other.publicKey); // same name, different id
    expect(verifyNote(published, otherKey)).toMatchObject({ ok: false, error: { code: 'unknown_key' } });
    const cosigned = `${published}${signNote(PETER_NEUMANN.text, 'witness.example', other.privateKey).split('\n\n')[1]}`;
    expect(verifyNote(cosigned, PETER_NEUMANN.verifierKey)).toMatchObject({ ok: true });
    expect(
      verifyNote(cosigned, [PETER_NEUMANN.verifierKey, noteVerifierKey('witness.example', other.publicKey)]),
    ).toMatchObject({
      ok: true,
      value: { verifiedBy: [{ name: 'PeterNeumann' }, { name: 'witness.example' }] },
    });
  });

  it('rejects a bad signature by a known key', () => {
    const tampered = published.replace('answer', 'ANSWER');
    expect(verifyNote(tampered, PETER_NEUMANN.verifierKey)).toMatchObject({
      ok: false,
      error: { code: 'bad_signature' },
    });
  });

  it('rejects malformed notes', () => {
    const bad = [
      PETER_NEUMANN.text, // no signature block
      `${PETER_NEUMANN.text}\n`, // empty signature block
      published.slice(0, -1), // signature line without newline
      published.replace('— ', '- '), // hyphen, not em dash
      published.replace('x08go', 'x08g!'), // not base64
      published.replace('— PeterNeumann ', '— Peter+Neumann '), // invalid name
      `\u0001${published}`, // control character
      `${PETER_NEUMANN.text}\n— PeterNeumann AAAA\n`, // too short
    ];
    for (const note of bad)
      expect(verifyNote(note, PETER_NEUMANN.verifierKey)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(splitNote(Buffer.from([0xff, 0x0a, 0x0a]))).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });
});
