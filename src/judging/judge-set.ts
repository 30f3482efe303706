import type { JudgeConfig, SluiceConfig } from '../config/sluice-schema.js';
import { badInput } from '../kernel/errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { createJudge, type JudgeDeps } from './create-judge.js';
import type { Judge } from './judge.js';

/**
 * The project's judges as sluice.yaml configures them, built once: the gate,
 * replay, the observer and the shadow report all score with these.
 */
export interface JudgeSet {
  /** gate.judge: the quality judge, null when none is configured. */
  readonly judge: Judge | null;
  /** gate.detectors, in order. */
  readonly detectors: readonly Judge[];
  /** The refusal detector for refusal rates: the gate's detector of kind refusal, else any judge of that kind. */
  readonly refusal: Judge | null;
}

/** The name of the refusal detector (see JudgeSet.refusal), or null when no judge is of kind refusal. */
export function refusalJudgeName(config: Pick<SluiceConfig, 'gate' | 'judges'>): string | null {
  const isRefusal = (name: string) => config.judges[name]?.kind === 'refusal';
  return config.gate.detectors.find(isRefusal) ?? Object.keys(config.judges).find(isRefusal) ?? null;
}

/** Builds the judge set once (files are read and patterns compiled now); a judge named but not configured is bad input. */
export function createJudgeSet(config: Pick<SluiceConfig, 'gate' | 'judges'>, deps: JudgeDeps): JudgeSet {
  const made = new Map<string, Judge>();
  const make = (name: string, key: string): Judge => {
    let j = made.get(name);
    if (!j) {
      const cfg: JudgeConfig | undefined = config.judges[name];
      if (!cfg) throw badInput(`${key} names "${name}", which is not under judges:`, { key });
      j = createJudge(name, cfg, deps);
      made.set(name, j);
    }
    return j;
  };
  const judge = config.gate.judge ? make(config.gate.judge, 'gate.judge') : null;
  const detectors = config.gate.detectors.map((d, i) => make(d, `gate.detectors.${i}`));
  const refusal = refusalJudgeName(config);
  return { judge, detectors, refusal: refusal ? make(refusal, `judges.${refusal}`) : null };
}

/** What a judge set is built from: sluice.yaml, the project folder (rubrics, schemas) and its providers. */
export interface JudgeSetup {
  readonly config: Pick<SluiceConfig, 'gate' | 'judges'>;
  readonly projectDir: string;
  readonly providers: { get(name: string): ModelProvider };
  /** The project's judge set when it was built already (`sluice serve` builds it once). */
  readonly judges?: JudgeSet;
}

/** The setup's judge set: the one given, else one built from the setup. */
export function judgeSetOf(s: JudgeSetup): JudgeSet {
  return s.judges ?? createJudgeSet(s.config, { projectDir: s.projectDir, providers: (p) => s.providers.get(p) });
}
