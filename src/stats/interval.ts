/** A closed interval [lower, upper]. */
export interface Interval {
  lower: number;
  upper: number;
}
