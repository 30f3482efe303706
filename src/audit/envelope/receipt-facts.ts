import { decisionKindOf, type Statement } from './in-toto.js';

/**
 * What a receipt is indexed by, read from its signed statement: the decision
 * kind (from the predicate type), the subject (the first subject's sha256, as
 * `sha256:<hex>`) and the actor (the predicate's). The store keeps copies of
 * these in columns for lookups; only these values are covered by the signature.
 */
export interface ReceiptFacts {
  readonly kind: string;
  readonly subject: string;
  readonly actor: string;
}

export function receiptFacts(statement: Statement): ReceiptFacts {
  const sha = statement.subject[0]?.digest.sha256;
  const actor = statement.predicate.actor;
  return {
    kind: decisionKindOf(statement.predicateType) ?? statement.predicateType,
    subject: sha === undefined ? '' : `sha256:${sha}`,
    actor: typeof actor === 'string' ? actor : '',
  };
}

/** The stored columns that disagree with the signed facts, in words ("" when they all agree). */
export function columnMismatch(stored: Partial<ReceiptFacts>, signed: ReceiptFacts): string {
  const wrong: string[] = [];
  for (const column of ['kind', 'subject', 'actor'] as const) {
    const value = stored[column];
    if (value !== undefined && value !== signed[column])
      wrong.push(`the stored ${column} column says "${value}", the signed receipt says "${signed[column]}"`);
  }
  return wrong.join('; ');
}
