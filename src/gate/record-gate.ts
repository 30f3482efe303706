import type { Decision } from '../audit/ledger/decision.js';
import { AUDIT_LOCK, type Ledger } from '../audit/ledger/ledger.js';
import type { AuditStore } from '../audit/audit-store.js';
import type { Transactional } from '../kernel/transactional.js';
import type { GateStore } from './gate-store.js';
import type { GateOverride, GateResult } from './core/gate-result.js';

/** The slices that did not pass, with their verdicts and reasons: what a receipt names. */
function failingSlices(result: GateResult) {
  return result.slices
    .filter((s) => s.verdict !== 'pass')
    .map((s) => ({ slice: s.slice, verdict: s.verdict, reasons: [...s.reasons] }));
}

/** The receipt of an override: who overrode which measured verdict, over which failing slices, and why. */
export function overrideDecision(result: GateResult, actor: string, override: GateOverride): Decision {
  return {
    subject: result.release,
    actor,
    kind: 'override',
    at: new Date(override.at),
    what: { verdict: result.verdict, overridden: failingSlices(result) },
    why: [override.reason],
    evidence: { gate_result: result.digest as `sha256:${string}` },
  };
}

/**
 * Stores a gate result and records its receipt — and, for an override, a second
 * receipt naming who overrode what and why — in one transaction.
 */
export async function recordGate(
  store: Transactional<Pick<GateStore, 'insertGateResult'> & AuditStore>,
  ledger: Ledger,
  result: GateResult,
  actor: string,
  override: GateOverride | null,
): Promise<GateResult> {
  const base = { subject: result.release, actor, at: new Date(result.at) };
  const failing = failingSlices(result);
  const decisions: Decision[] = [
    {
      ...base,
      kind: 'gate',
      what: {
        verdict: result.verdict,
        baseline: result.baseline,
        aggregate: result.aggregate.score,
        slices: failing,
        checks: result.checks.filter((c) => !c.ok).map((c) => c.name),
        preprocessing: result.preprocessing_digest,
        ...(result.judged_with
          ? { judged_with: { ...result.judged_with, detectors: [...result.judged_with.detectors] } }
          : {}),
      },
      why: failing.flatMap((f) => f.reasons.map((r) => `${f.slice}: ${r}`)),
      evidence: { gate_result: result.digest as `sha256:${string}` },
    },
  ];
  if (override) decisions.push(overrideDecision(result, actor, override));
  return store.transaction(
    async (tx) => {
      const [receipt] = await ledger.recordIn(tx, decisions);
      const final: GateResult = { ...result, override, receipt: receipt ?? null };
      await tx.insertGateResult({
        digest: result.digest,
        releaseId: result.release,
        baselineId: result.baseline,
        verdict: result.verdict,
        overridden: override !== null,
        preprocessingDigest: result.preprocessing_digest,
        result: final,
        createdAt: result.at,
      });
      return final;
    },
    { lock: AUDIT_LOCK },
  );
}
