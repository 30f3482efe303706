/** Sluice's judges: scoring answers, detecting refusals and impossible dates, and calibrating against human ratings. */

export type { Judge, JudgeInput, JudgeResult } from './judge.js';
export { JUDGE_LIBRARY } from './judge-library.js';
export { createJudge } from './create-judge.js';
export type { JudgeDeps } from './create-judge.js';
export { loadAnchors, parseAnchors } from './anchors.js';
export type { Anchor, AnchorOptions } from './anchors.js';
export { calibrate, fitCalibration, scoreAnchors } from './calibration.js';
export type { CalibrateOptions, Calibration, FitOptions, ScoredAnchor, SliceCalibration } from './calibration.js';
export { ROOT_SLICE, sliceChain, inSubtree } from '../kernel/slice-tree.js';
export { findRefusals, REFUSAL_PHRASES } from './refusal-phrases.js';
export { findDates, mentionProblem } from './date-scan.js';
export { impossibleDates } from './date-validity-judge.js';
