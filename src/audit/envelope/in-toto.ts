import { canonicalBytes, type JsonValue } from '../../kernel/canonical-json.js';
import type { Digest } from '../../kernel/digest.js';
import { signEnvelope, type DsseEnvelope, type DsseSigner } from './dsse.js';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';

/**
 * in-toto Statement v1 for Sluice decisions. The statement names what the
 * decision is about (subjects, by sha256) and says what was decided
 * (predicate). It travels inside a DSSE envelope with payloadType
 * `application/vnd.in-toto+json`; its bytes are RFC 8785 canonical JSON so the
 * same statement always signs the same bytes.
 */

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export const DECISION_KINDS = [
  'register',
  'gate',
  'override',
  'rollout-start',
  'step',
  'pause',
  'resume',
  'promote',
  'halt',
  'rollback',
  'observe-rollback',
  'shadow-start',
  'shadow-stop',
] as const;

export type DecisionKind = (typeof DECISION_KINDS)[number];

export interface Subject {
  name: string;
  digest: { sha256: string } & Record<string, string>;
}

export type Predicate = { [key: string]: JsonValue };

export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: Subject[];
  predicateType: string;
  predicate: Predicate;
}

const HEX64 = /^[0-9a-f]{64}$/;
const PREDICATE_RE = /^https:\/\/sluice\.dev\/decision\/([a-z-]+)\/v1$/;

export function isDecisionKind(s: unknown): s is DecisionKind {
  return typeof s === 'string' && (DECISION_KINDS as readonly string[]).includes(s);
}

export function decisionPredicateType(kind: DecisionKind): string {
  return `https://sluice.dev/decision/${kind}/v1`;
}

/** The decision kind a predicate type names, if it is one of Sluice's. */
export function decisionKindOf(predicateType: string): DecisionKind | undefined {
  const kind = PREDICATE_RE.exec(predicateType)?.[1];
  return isDecisionKind(kind) ? kind : undefined;
}

/** A subject from a `sha256:<hex>` digest or bare lowercase hex. */
export function subject(name: string, digest: Digest | string): Subject {
  const hex = digest.startsWith('sha256:') ? digest.slice('sha256:'.length) : digest;
  if (!HEX64.test(hex)) throw new RangeError(`subject ${name} needs a sha256 hex digest`);
  return { name, digest: { sha256: hex } };
}

export function decisionStatement(kind: DecisionKind, subjects: Subject[], predicate: Predicate): Statement {
  if (subjects.length === 0) throw new RangeError('a statement needs at least one subject');
  return { _type: STATEMENT_TYPE, subject: subjects, predicateType: decisionPredicateType(kind), predicate };
}

/** Canonical (RFC 8785) bytes of a statement: the DSSE payload. */
export function statementBytes(statement: Statement): Buffer {
  return canonicalBytes(statement);
}

export function signStatement(statement: Statement, signer: DsseSigner): DsseEnvelope {
  return signEnvelope(IN_TOTO_PAYLOAD_TYPE, statementBytes(statement), signer);
}

export type StatementResult = Result<Statement, Problem<'malformed'>>;

/** Parse and shape-check a statement payload (any predicate type). */
export function parseStatement(payload: Uint8Array): StatementResult {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return err('malformed', 'statement is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return err('malformed', 'statement is not an object');
  const s = v as Record<string, unknown>;
  if (s._type !== STATEMENT_TYPE) return err('malformed', `_type is not ${STATEMENT_TYPE}`);
  if (typeof s.predicateType !== 'string' || s.predicateType === '')
    return err('malformed', 'predicateType is missing');
  if (!Array.isArray(s.subject) || s.subject.length === 0) return err('malformed', 'statement has no subject');
  for (const sub of s.subject as unknown[]) {
    const r = (typeof sub === 'object' && sub !== null ? sub : {}) as Record<string, unknown>;
    const d = r.digest as Record<string, unknown> | undefined;
    if (typeof r.name !== 'string' || typeof d !== 'object' || d === null || Object.keys(d).length === 0) {
      return err('malformed', 'a subject needs a name and a digest');
    }
    if (Object.values(d).some((x) => typeof x !== 'string')) return err('malformed', 'subject digests must be strings');
    if (d.sha256 !== undefined && !HEX64.test(d.sha256 as string))
      return err('malformed', 'subject sha256 is not lowercase hex');
  }
  const predicate = s.predicate ?? {};
  if (typeof predicate !== 'object' || predicate === null || Array.isArray(predicate))
    return err('malformed', 'predicate is not an object');
  return ok({ ...(s as unknown as Statement), predicate: predicate as Predicate });
}
