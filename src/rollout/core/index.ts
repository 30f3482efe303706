/** Sluice's canary controller: the pure core (spec and status, phase, monitors, reconcile, lease) and the ports its I/O edge implements. */
export * from './rollout-state.js';
export * from './phase.js';
export * from './monitors.js';
export * from './external-monitors.js';
export * from './quality-samples.js';
export * from './actions.js';
export * from './decision-draft.js';
export * from './commands.js';
export { reconcile, stepEvidence } from './reconcile.js';
export type { Observation, ReconcileResult } from './reconcile.js';
export * from './lease.js';
export * from './status-view.js';
export * from './step-progress.js';
export type * from './ports.js';
export * from './analysis-verdict.js';
