/**
 * The audit log checked in this browser, with WebCrypto only: the checkpoint's
 * signed note and each receipt's DSSE signature against a pinned Ed25519 key,
 * and each receipt's RFC 6962 inclusion in the checkpoint's tree.
 */

const utf8 = new TextEncoder();

export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

export interface PinnedKey {
  name: string;
  noteKeyId: number;
  raw: Uint8Array;
  key: CryptoKey;
  /** The DSSE key id: hex SHA-256 of the raw key. */
  keyid: string;
}

/** A C2SP signed-note verifier key `name+hex(keyid)+base64(0x01 ‖ pubkey)`, checked and imported. */
export async function pinKey(text: string): Promise<PinnedKey> {
  // The base64 key may itself hold '+': split at the first two only.
  const t = text.trim();
  const first = t.indexOf('+');
  const second = first < 0 ? -1 : t.indexOf('+', first + 1);
  if (second < 0) throw new Error('the key is not name+id+key');
  const [name, idHex, b64] = [t.slice(0, first), t.slice(first + 1, second), t.slice(second + 1)];
  if (!name || !/^[0-9a-f]{8}$/i.test(idHex) || !b64) throw new Error('the key is not name+id+key');
  const bytes = fromBase64(b64);
  if (bytes.length !== 33 || bytes[0] !== 1) throw new Error('the key is not an Ed25519 verifier key');
  const raw = bytes.slice(1);
  const id = await sha256(utf8.encode(name), Uint8Array.of(0x0a, 0x01), raw);
  const noteKeyId = new DataView(id.buffer).getUint32(0);
  if (noteKeyId !== Number.parseInt(idHex, 16)) throw new Error('the key id does not match its name and key');
  const key = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
  return { name, noteKeyId, raw, key, keyid: hex(await sha256(raw)) };
}

const verifySig = (key: CryptoKey, sig: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>) =>
  crypto.subtle.verify({ name: 'Ed25519' }, key, sig, data);

/** The checkpoint note: its signature by the pinned key, then its origin, size and root. */
export async function verifyCheckpoint(
  note: string,
  pinned: PinnedKey,
): Promise<{ origin: string; size: number; root: Uint8Array }> {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('the checkpoint has no signature');
  const text = note.slice(0, split + 1);
  let signed = false;
  for (const line of note.slice(split + 2).split('\n')) {
    if (!line.startsWith('— ')) continue;
    const [name, b64] = line.slice(2).split(' ');
    if (name !== pinned.name || !b64) continue;
    const bytes = fromBase64(b64);
    if (new DataView(bytes.buffer).getUint32(0) !== pinned.noteKeyId) continue;
    if (!(await verifySig(pinned.key, bytes.slice(4), concat(utf8.encode(text)))))
      throw new Error('the checkpoint signature by the pinned key does not verify');
    signed = true;
  }
  if (!signed) throw new Error('the checkpoint is not signed by the pinned key');
  const [origin, size, root] = text.split('\n');
  if (!origin || !size || !root) throw new Error('the checkpoint body is malformed');
  return { origin, size: Number(size), root: fromBase64(root) };
}

/** PAE = "DSSEv1" SP len(type) SP type SP len(body) SP body. */
function pae(type: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const t = utf8.encode(type);
  return concat(utf8.encode(`DSSEv1 ${t.length} `), t, utf8.encode(` ${body.length} `), body);
}

/** A receipt's DSSE envelope: at least one signature by the pinned key, and none by it that fails. */
export async function verifyEnvelope(leaf: Uint8Array, pinned: PinnedKey): Promise<string | null> {
  let env: { payload?: unknown; payloadType?: unknown; signatures?: unknown };
  try {
    env = JSON.parse(new TextDecoder().decode(leaf));
  } catch {
    return 'the leaf is not a JSON envelope';
  }
  if (typeof env.payload !== 'string' || typeof env.payloadType !== 'string' || !Array.isArray(env.signatures))
    return 'the leaf is not a DSSE envelope';
  const message = pae(env.payloadType, fromBase64(env.payload));
  let ok = false;
  for (const s of env.signatures as { keyid?: string; sig?: string }[]) {
    if (s.keyid && s.keyid !== pinned.keyid) continue;
    if (typeof s.sig !== 'string') return 'a signature is malformed';
    if (!(await verifySig(pinned.key, concat(fromBase64(s.sig)), message))) return 'the signature does not verify';
    ok = true;
  }
  return ok ? null : 'no signature by the pinned key';
}

/** RFC 9162 §2.1.3.2: the inclusion proof leads from the leaf's hash to the root. */
export async function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = await sha256(Uint8Array.of(0), leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(Uint8Array.of(1), p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(Uint8Array.of(1), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}
