import { DEFAULT_BEHAVIOUR, type Distribution, type SimModel, type SimRule } from './sim-schema.js';

/** Everything that decides one answer of one model, after slice lookup and rules. */
export interface Behaviour {
  readonly quality: number;
  readonly latency_ms: Distribution;
  readonly answer_tokens: Distribution;
  readonly error_rate: number;
  readonly fail_after_tokens: number | undefined;
  readonly hedging_rate: number;
  readonly invented_date_rate: number;
  /** Index of the rule that applied, if one did. */
  readonly rule: number | undefined;
}

export interface RequestView {
  readonly slice: string;
  readonly system: string;
  readonly user: string;
}

/** True when `slice` is `under` or inside it ("fr/fr-BE" is under "fr"; everything is under "*"). */
export function sliceUnder(slice: string, under: string): boolean {
  return under === '*' || slice === under || slice.startsWith(`${under}/`);
}

/** The most specific entry on the slice's path: "fr/fr-BE", then "fr", then "*". */
export function qualityFor(quality: Readonly<Record<string, number>>, slice: string, fallback = 0.8): number {
  const parts = slice === '*' ? [] : slice.split('/');
  for (let n = parts.length; n > 0; n--) {
    const q = quality[parts.slice(0, n).join('/')];
    if (q !== undefined) return q;
  }
  return quality['*'] ?? fallback;
}

const compiled = new WeakMap<SimRule, RegExp>();

function ruleRegExp(rule: SimRule, pattern: string): RegExp {
  let re = compiled.get(rule);
  if (!re) {
    re = new RegExp(pattern, 'u');
    compiled.set(rule, re);
  }
  return re;
}

function ruleApplies(rule: SimRule, view: RequestView): boolean {
  const { when } = rule;
  const system = view.system.toLowerCase();
  if (rule.slices && !rule.slices.some((s) => sliceUnder(view.slice, s))) return false;
  if (when.system_lacks !== undefined && system.includes(when.system_lacks.toLowerCase())) return false;
  if (when.system_contains !== undefined && !system.includes(when.system_contains.toLowerCase())) return false;
  if (when.matches !== undefined && !ruleRegExp(rule, when.matches).test(`${view.system}\n${view.user}`)) return false;
  return true;
}

/** The model's behaviour for this request: its own settings, overridden by the first rule that matches. */
export function resolveBehaviour(model: SimModel, view: RequestView): Behaviour {
  const index = model.rules.findIndex((r) => ruleApplies(r, view));
  const rule = index >= 0 ? model.rules[index] : undefined;
  return {
    quality: rule?.quality ?? qualityFor(model.quality, view.slice),
    latency_ms: rule?.latency_ms ?? model.latency_ms ?? DEFAULT_BEHAVIOUR.latency_ms,
    answer_tokens: rule?.answer_tokens ?? model.answer_tokens ?? DEFAULT_BEHAVIOUR.answer_tokens,
    error_rate: rule?.error_rate ?? model.error_rate ?? DEFAULT_BEHAVIOUR.error_rate,
    fail_after_tokens: rule?.fail_after_tokens ?? model.fail_after_tokens,
    hedging_rate: rule?.hedging_rate ?? model.hedging_rate ?? DEFAULT_BEHAVIOUR.hedging_rate,
    invented_date_rate: rule?.invented_date_rate ?? model.invented_date_rate ?? DEFAULT_BEHAVIOUR.invented_date_rate,
    rule: index >= 0 ? index : undefined,
  };
}
