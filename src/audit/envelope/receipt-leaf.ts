import { decodeBase64 } from './base64.js';
import { parseStatement, type Statement } from './in-toto.js';
import { leafEnvelope } from './leaf-envelope.js';
import { receiptFacts } from './receipt-facts.js';

/** A receipt as the log keeps it: its place, what the store indexes it by, and the leaf bytes (a DSSE envelope). */
export interface ReceiptEntry {
  readonly index: number;
  readonly kind: string;
  readonly subject: string;
  readonly actor: string;
  readonly createdAt: string;
  readonly leaf: Buffer;
}

/**
 * A receipt decoded for people. Kind, subject and actor are read from the
 * signed statement, never from the store's columns (an empty string when the
 * leaf holds no statement); the signature is not checked here (`checkPage` and
 * `audit verify` do that).
 */
export interface DecodedReceipt {
  readonly index: number;
  readonly kind: string;
  readonly subject: string;
  readonly actor: string;
  readonly at: string;
  /** The key id of the envelope's first signature, or null. */
  readonly keyid: string | null;
  /** The in-toto statement the envelope carries, or null when its payload is not one. */
  readonly statement: Statement | null;
}

export function decodeReceipt(e: ReceiptEntry): DecodedReceipt {
  const env = leafEnvelope(e.leaf);
  const st = parseStatement(decodeBase64(env?.payload ?? '') ?? Buffer.alloc(0));
  const facts = st.ok ? receiptFacts(st.value) : { kind: '', subject: '', actor: '' };
  return {
    index: e.index,
    ...facts,
    at: st.ok && typeof st.value.predicate.at === 'string' ? st.value.predicate.at : '',
    keyid: env?.signatures[0]?.keyid ?? null,
    statement: st.ok ? st.value : null,
  };
}
