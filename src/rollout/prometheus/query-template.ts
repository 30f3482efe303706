import { shortId } from '../../release/release-id.js';

/** What a Prometheus query template may name for one arm over one step. */
export interface QueryScope {
  readonly release: string;
  readonly arm: 'canary' | 'stable';
  readonly route: string;
  /** The span the query covers, in seconds (the step so far). */
  readonly windowSeconds: number;
}

/**
 * Fills `{{release}}` (the full id), `{{release_short}}` (its first 12 hex
 * digits), `{{arm}}`, `{{route}}` and `{{window}}` (the step so far as a
 * PromQL duration, whole seconds, at least 1s). The config schema refuses
 * any other name, so none is left over.
 */
export function fillQuery(template: string, scope: QueryScope): string {
  const values: Record<string, string> = {
    release: scope.release,
    release_short: shortId(scope.release),
    arm: scope.arm,
    route: scope.route,
    window: `${Math.max(1, Math.ceil(scope.windowSeconds))}s`,
  };
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}
