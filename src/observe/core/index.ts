/** Observe: sampled production answers scored by the judge, windows, the band, auto-rollback; shadow and replay analysis. */
export * from './sample.js';
export * from './sampler.js';
export * from './windows.js';
export * from './band.js';
export * from './observer-decision.js';
export * from '../../shadow/core/pairwise-prompt.js';
export * from '../../shadow/core/shadow-analysis.js';
export * from '../../replay/core/replay-compare.js';
export type * from './ports.js';
export * from './drift-detector.js';
export * from './evaluate-series.js';
