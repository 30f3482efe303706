/**
 * Strict base64 decoding. Buffer.from(s, 'base64') skips bad characters
 * silently; signed formats need the text to be exactly one encoding.
 */

const STANDARD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_SAFE = /^[A-Za-z0-9_-]*$/;

/** Standard alphabet with padding (RFC 4648 §4), canonical form only. */
export function decodeBase64(text: string): Buffer | undefined {
  if (!STANDARD.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/**
 * Standard (padded) or URL-safe (unpadded) alphabet: what DSSE asks
 * verifiers to accept.
 */
export function decodeBase64Lenient(text: string): Buffer | undefined {
  const std = decodeBase64(text);
  if (std) return std;
  if (!URL_SAFE.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}
