import { isDigest, sha256Digest, type Digest } from '../kernel/digest.js';

/**
 * Erased content: `{"erased":"sha256:<hex>"}`, the digest of the (redacted)
 * text it replaced, so whoever still holds that text can show it is the same.
 * A stored input is a JSON array or free text, never this object, so a
 * marker is recognized by its prefix.
 */
export const ERASED_PREFIX = '{"erased":"sha256:';

/** The marker that replaces erased content: it keeps the content's digest. */
export function erasedContent(text: string): string {
  return JSON.stringify({ erased: sha256Digest(text) });
}

/** The digest an erasure marker keeps, or undefined when `text` is not a marker. */
export function erasedDigest(text: string): Digest | undefined {
  if (!text.startsWith(ERASED_PREFIX)) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    const erased = typeof v === 'object' && v !== null && 'erased' in v ? v.erased : undefined;
    return isDigest(erased) ? erased : undefined;
  } catch {
    return undefined;
  }
}
