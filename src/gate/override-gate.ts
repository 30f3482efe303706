import { AUDIT_LOCK, type Ledger } from '../audit/ledger/ledger.js';
import type { AuditStore } from '../audit/audit-store.js';
import { SluiceError } from '../kernel/errors.js';
import type { Transactional } from '../kernel/transactional.js';
import type { GateResult } from './core/gate-result.js';
import type { GateStore } from './gate-store.js';
import { overrideDecision } from './record-gate.js';

type OverrideStore = Transactional<Pick<GateStore, 'insertGateResult' | 'latestGateResult'> & AuditStore>;

/**
 * Overrides a release's recorded gate result without running it again: the
 * measured verdict stays, the override (actor, reason, time) is added, and one
 * signed receipt records it, in one transaction. Refused when the latest result
 * passed or is already overridden, or when no reason is given.
 */
export async function overrideGate(
  store: OverrideStore,
  ledger: Ledger,
  releaseId: string,
  actor: string,
  reason: string,
  at: Date,
): Promise<{ result: GateResult; receipt: number }> {
  if (reason.trim() === '') throw new SluiceError('bad_input', 'an override needs a reason: it goes into the receipt');
  return store.transaction(
    async (tx) => {
      const stored = await tx.latestGateResult(releaseId);
      if (!stored) throw new SluiceError('not_found', `release ${releaseId} has no gate result to override`);
      if (stored.verdict === 'pass')
        throw new SluiceError('refused', `the gate of ${releaseId} passed: there is nothing to override`);
      if (stored.overridden)
        throw new SluiceError(
          'refused',
          `the gate of ${releaseId} is already overridden by ${stored.result.override?.actor ?? 'someone'}`,
        );
      const override = { actor, reason: reason.trim(), at: at.toISOString() };
      const [receipt] = await ledger.recordIn(tx, overrideDecision(stored.result, actor, override));
      const result: GateResult = { ...stored.result, override };
      await tx.insertGateResult({ ...stored, overridden: true, result, createdAt: override.at });
      return { result, receipt: receipt! };
    },
    { lock: AUDIT_LOCK },
  );
}
