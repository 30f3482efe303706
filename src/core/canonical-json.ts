import canonicalizeImpl from 'canonicalize';
import { sha256Digest, type Digest } from './digest.js';

/** JSON values as RFC 8785 sees them. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const canonicalizeFn = canonicalizeImpl as unknown as (v: unknown) => string | undefined;

/** RFC 8785 (JCS) canonical JSON text of a value. */
export function canonicalize(value: unknown): string {
  const text = canonicalizeFn(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

/** RFC 8785 canonical bytes (UTF-8). */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

/** sha256 of the canonical JSON: the content address of a JSON document. */
export function jsonDigest(value: unknown): Digest {
  return sha256Digest(canonicalBytes(value));
}
