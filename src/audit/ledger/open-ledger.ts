import type { Clock } from '../../kernel/clock.js';
import type { SluiceConfig } from '../../config/sluice-schema.js';
import type { LedgerStore } from '../audit-store.js';
import { loadAuditKey } from './audit-key.js';
import { Ledger } from './ledger.js';

/** The log's origin: audit.origin, else a local name derived from the project. */
export function auditOrigin(config: SluiceConfig): string {
  return config.audit.origin ?? `sluice.local/${config.project}`;
}

/** The project's ledger: its origin and signing key (created on first use). */
export function openLedger(
  store: LedgerStore,
  config: SluiceConfig,
  projectDir: string,
  env: NodeJS.ProcessEnv,
  clock?: Clock,
): Ledger {
  const key = loadAuditKey({ projectDir, keyFile: config.audit.key, keyEnv: config.audit.key_env, env })!;
  return new Ledger(store, { origin: auditOrigin(config), key, ...(clock ? { clock } : {}) });
}
