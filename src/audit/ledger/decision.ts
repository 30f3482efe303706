import type { JsonValue } from '../../kernel/canonical-json.js';
import type { Digest } from '../../kernel/digest.js';
import type { ResolvedManifest } from '../../release/resolved-manifest.js';
import { decisionStatement, subject, type DecisionKind, type Predicate, type Statement } from '../envelope/in-toto.js';

/** Open weights name their digest; closed APIs and models without weights say so in words. */
export type WeightsClaim = { digest: Digest; path: string } | 'not-claimed';

/**
 * A decision to record: who decided what about which release, when and why,
 * with digests of the evidence — never prompts or user content, so erasing
 * content elsewhere never breaks the log.
 */
export interface Decision {
  readonly kind: DecisionKind;
  /** What the decision is about: a release id, by default. */
  readonly subject: Digest;
  readonly subjectName?: string;
  /** A person, or `controller` / `observer` for automatic decisions. */
  readonly actor: string;
  readonly at: Date;
  readonly route?: string;
  readonly what?: { [key: string]: JsonValue };
  readonly why?: readonly string[];
  readonly evidence?: Readonly<Record<string, Digest>>;
  readonly weights?: WeightsClaim;
}

const CLOSED_API_KINDS = new Set(['openai', 'anthropic', 'gemini']);

/** The weights claim for a release: its digest when it declares open weights on a self-hosted provider. */
export function weightsClaim(manifest: ResolvedManifest, providerKind: string | undefined): WeightsClaim {
  const w = manifest.model.weights;
  if (!w || (providerKind !== undefined && CLOSED_API_KINDS.has(providerKind))) return 'not-claimed';
  return { digest: w.digest as Digest, path: w.path };
}

export function decisionToStatement(d: Decision): Statement {
  const predicate: Predicate = { actor: d.actor, at: d.at.toISOString() };
  if (d.route !== undefined) predicate.route = d.route;
  if (d.what !== undefined) predicate.what = d.what;
  if (d.why !== undefined) predicate.why = [...d.why];
  if (d.evidence !== undefined) predicate.evidence = { ...d.evidence };
  if (d.weights !== undefined) predicate.weights = d.weights === 'not-claimed' ? 'not-claimed' : { ...d.weights };
  return decisionStatement(d.kind, [subject(d.subjectName ?? 'release', d.subject)], predicate);
}
