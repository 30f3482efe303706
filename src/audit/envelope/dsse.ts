import { sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64Lenient } from './base64.js';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';

/**
 * DSSE v1 envelopes (github.com/secure-systems-lab/dsse), Ed25519 only.
 * The signature covers PAE(payloadType, payload), never the raw payload, so a
 * signature for one payload type cannot be replayed as another.
 */

export interface DsseSignature {
  keyid: string;
  sig: string;
}

export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}

export interface DsseSigner {
  keyid: string;
  privateKey: KeyObject;
}

export interface VerifiedEnvelope {
  payloadType: string;
  payload: Buffer;
  keyids: string[];
}
export type EnvelopeResult = Result<VerifiedEnvelope, Problem<'malformed' | 'unknown_key' | 'bad_signature'>>;

/** PAE = "DSSEv1" SP len(type) SP type SP len(body) SP body, lengths in bytes as ASCII decimal. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  const head = `DSSEv1 ${type.length} `;
  return Buffer.concat([Buffer.from(head, 'ascii'), type, Buffer.from(` ${payload.length} `, 'ascii'), payload]);
}

export function signEnvelope(payloadType: string, payload: Uint8Array, key: DsseSigner): DsseEnvelope {
  if (key.privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('DSSE signing key must be Ed25519');
  const sig = sign(null, pae(payloadType, payload), key.privateKey);
  return {
    payload: Buffer.from(payload).toString('base64'),
    payloadType,
    signatures: [{ keyid: key.keyid, sig: sig.toString('base64') }],
  };
}

/**
 * Verify an envelope (parsed JSON, shape unchecked) against trusted public keys
 * by keyid. At least one signature must come from a trusted key and verify; a
 * signature whose keyid is trusted but which fails to verify rejects the whole
 * envelope. Signatures by unknown keyids are ignored. A signature with an
 * empty keyid is tried against every trusted key.
 */
export function verifyEnvelope(env: unknown, keys: ReadonlyMap<string, KeyObject>): EnvelopeResult {
  const shape = checkShape(env);
  if (!shape.ok) return shape;
  const { envelope, payload } = shape.value;
  const message = pae(envelope.payloadType, payload);
  const verified = new Set<string>();
  for (const s of envelope.signatures) {
    const sig = decodeBase64Lenient(s.sig);
    if (!sig) return err('malformed', 'a signature is not base64');
    const candidates =
      s.keyid === ''
        ? [...keys.entries()]
        : keys.has(s.keyid)
          ? [[s.keyid, keys.get(s.keyid) as KeyObject] as const]
          : [];
    const good = candidates.find(([, k]) => k.asymmetricKeyType === 'ed25519' && verify(null, message, k, sig));
    if (good) verified.add(good[0]);
    else if (s.keyid !== '' && candidates.length > 0)
      return err('bad_signature', `signature by key ${s.keyid} does not verify`);
  }
  if (verified.size === 0) return err('unknown_key', 'no signature by a trusted key');
  return ok({ payloadType: envelope.payloadType, payload, keyids: [...verified] });
}

/** Parse envelope JSON text; shape errors surface from verifyEnvelope. */
export function parseEnvelopeJson(text: string): Result<unknown, Problem<'malformed'>> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err('malformed', 'envelope is not JSON');
  }
}

function checkShape(env: unknown): Result<{ envelope: DsseEnvelope; payload: Buffer }, Problem<'malformed'>> {
  if (typeof env !== 'object' || env === null) return err('malformed', 'envelope is not an object');
  const e = env as Record<string, unknown>;
  if (typeof e.payloadType !== 'string' || typeof e.payload !== 'string')
    return err('malformed', 'payload and payloadType must be strings');
  if (!Array.isArray(e.signatures) || e.signatures.length === 0) return err('malformed', 'envelope has no signatures');
  const signatures: DsseSignature[] = [];
  for (const s of e.signatures as unknown[]) {
    const r = (typeof s === 'object' && s !== null ? s : {}) as Record<string, unknown>;
    if (typeof r.sig !== 'string' || (r.keyid !== undefined && typeof r.keyid !== 'string'))
      return err('malformed', 'bad signature entry');
    signatures.push({ keyid: (r.keyid as string | undefined) ?? '', sig: r.sig });
  }
  const payload = decodeBase64Lenient(e.payload);
  if (!payload) return err('malformed', 'payload is not base64');
  return ok({ envelope: { payload: e.payload, payloadType: e.payloadType, signatures }, payload });
}
