import { describe, expect, it } from 'vitest';
import { pae, parseEnvelopeJson, signEnvelope, verifyEnvelope } from './dsse.js';
import { generateSigningKey } from './signing-key.js';

describe('DSSE PAE', () => {
  it('matches the spec example', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
  });

  it('counts bytes, not characters', () => {
    expect(pae('t/é', Buffer.from('ü')).toString()).toBe('DSSEv1 4 t/é 2 ü');
    expect(pae('', new Uint8Array()).toString()).toBe('DSSEv1 0  0 ');
  });
});

describe('DSSE envelopes', () => {
  const key = generateSigningKey();
  const keys = new Map([[key.keyid, key.publicKey]]);
  const payload = Buffer.from('{"a":1}');
  const env = signEnvelope('application/vnd.in-toto+json', payload, key);

  it('signs and verifies', () => {
    expect(env.payload).toBe(payload.toString('base64'));
    expect(env.signatures).toHaveLength(1);
    expect(env.signatures[0]?.keyid).toBe(key.keyid);
    const r = verifyEnvelope(JSON.parse(JSON.stringify(env)), keys);
    expect(r).toMatchObject({ ok: true, value: { payloadType: 'application/vnd.in-toto+json', keyids: [key.keyid] } });
    expect(r.ok && r.value.payload.equals(payload)).toBe(true);
  });

  it('binds the payload type', () => {
    expect(verifyEnvelope({ ...env, payloadType: 'text/plain' }, keys)).toMatchObject({
      ok: false,
      error: {
        code: 'bad_signature',
      },
    });
  });

  it('rejects a changed payload', () => {
    expect(verifyEnvelope({ ...env, payload: Buffer.from('{"a":2}').toString('base64') }, keys)).toMatchObject({
      ok: false,
      error: {
        code: 'bad_signature',
      },
    });
  });

  it('needs a trusted key', () => {
    const other = generateSigningKey();
    expect(verifyEnvelope(env, new Map([[other.keyid, other.publicKey]]))).toMatchObject({
      ok: false,
      error: {
        code: 'unknown_key',
      },
    });
    // Right keyid, wrong key: the signature is checked and fails.
    expect(verifyEnvelope(env, new Map([[key.keyid, other.publicKey]]))).toMatchObject({
      ok: false,
      error: {
        code: 'bad_signature',
      },
    });
  });

  it('tries every trusted key for a signature without keyid', () => {
    const anonymous = { ...env, signatures: [{ keyid: '', sig: env.signatures[0]?.sig ?? '' }] };
    expect(verifyEnvelope(anonymous, keys)).toMatchObject({ ok: true, value: { keyids: [key.keyid] } });
  });

  it('accepts URL-safe base64 as DSSE allows', () => {
    const urlSafe = {
      ...env,
      payload: payload.toString('base64url'),
      signatures: env.signatures.map((s) => ({ ...s, sig: Buffer.from(s.sig, 'base64').toString('base64url') })),
    };
    expect(verifyEnvelope(urlSafe, keys).ok).toBe(true);
  });

  it('rejects malformed envelopes', () => {
    for (const bad of [
      null,
      'x',
      {},
      { ...env, signatures: [] },
      { ...env, payload: '***' },
      { ...env, signatures: [{ keyid: 1 }] },
    ]) {
      expect(verifyEnvelope(bad, keys)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    }
    expect(parseEnvelopeJson('{')).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });
});
