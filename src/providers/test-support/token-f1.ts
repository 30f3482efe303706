/** The judges' SQuAD token-F1, so the simulator is measured exactly as the reference judge measures it. */
export { tokenF1 } from '../../judging/squad-normalize.js';

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
