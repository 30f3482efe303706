import { sha256Digest, type Digest } from './digest.js';

/** JSON values as RFC 8785 sees them. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkString(s: string): void {
  if (SURROGATE.test(s) && LONE_SURROGATE.test(s)) throw new TypeError('RFC 8785: a string holds a lone surrogate');
}

/** Thrown by the fast path when an object has a key JS would reorder (an array index). */
const INDEX_KEY = Symbol('index-key');

function isDigit(k: string): boolean {
  const c = k.charCodeAt(0);
  return c >= 48 && c <= 57;
}

function leaf(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new TypeError(`RFC 8785: ${value} has no JSON representation`);
  if (typeof value === 'string') checkString(value);
  if (typeof value === 'bigint') throw new TypeError('RFC 8785: BigInt has no JSON representation');
  return value;
}

/**
 * Fast path: JSON.stringify's number serialization and string escaping are
 * exactly JCS's, so it only needs members re-inserted in UTF-16 code-unit order.
 * JS objects list array-index keys first whatever the insertion order, so an
 * object with a key starting with a digit sends the document to the exact path.
 */
function sortingReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return leaf(value);
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    if (isDigit(k)) throw INDEX_KEY;
    checkString(k);
    sorted[k] = (value as Record<string, unknown>)[k];
  }
  return sorted;
}

/** Exact path: serializes member by member. */
function serialize(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return serialize((value as { toJSON: () => unknown }).toJSON());
  }
  if (typeof value !== 'object' || value === null) return JSON.stringify(leaf(value));
  if (Array.isArray(value)) return `[${value.map((v) => serialize(v) ?? 'null').join(',')}]`;
  const parts: string[] = [];
  for (const k of Object.keys(value).sort()) {
    checkString(k);
    const v = serialize((value as Record<string, unknown>)[k]);
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${v}`);
  }
  return `{${parts.join(',')}}`;
}

/** RFC 8785 (JCS) canonical JSON text of a value; non-finite numbers and lone surrogates are refused. */
export function canonicalize(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, sortingReplacer);
  } catch (e) {
    if (e !== INDEX_KEY) throw e;
    text = serialize(value);
  }
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
