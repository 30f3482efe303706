export type Stage = 'register' | 'gate' | 'roll' | 'observe';

/** One failure of DESIGN.md replayed through the real stages. */
export interface ScenarioResult {
  readonly id: number;
  readonly name: string;
  readonly caught_at: Stage;
  readonly caught: boolean;
  readonly evidence: string;
  readonly seconds: number;
}

/** Runs one scenario and times it; a scenario that throws is reported as not caught, with the error as evidence. */
export async function timed(
  id: number,
  name: string,
  stage: Stage,
  run: () => Promise<{ caught: boolean; evidence: string }>,
): Promise<ScenarioResult> {
  const started = performance.now();
  try {
    return { id, name, caught_at: stage, ...(await run()), seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    return {
      id,
      name,
      caught_at: stage,
      caught: false,
      evidence: `error: ${(e as Error)?.message ?? String(e)}`,
      seconds: (performance.now() - started) / 1000,
    };
  }
}

export interface DemoResult {
  readonly scenarios: ScenarioResult[];
  readonly healthy: { phase: string; release: string | null };
  readonly audit: { ok: boolean; entries: number };
  readonly project: string;
}

/** Whether the demo shows everything it promises: all ten caught where expected, the healthy release promoted, the log intact. */
export function demoPassed(r: DemoResult): boolean {
  const expected: Record<number, Stage> = {
    1: 'register',
    2: 'register',
    3: 'register',
    4: 'gate',
    5: 'gate',
    6: 'gate',
    7: 'gate',
    8: 'roll',
    9: 'observe',
    10: 'observe',
  };
  return (
    r.scenarios.length === 10 &&
    r.scenarios.every((s) => s.caught && expected[s.id] === s.caught_at) &&
    r.healthy.phase === 'promoted' &&
    r.audit.ok
  );
}
