import { PREPROCESS_LIBRARY, preprocess, type ChatMessage } from '../release/preprocess.js';
import { renderTemplate } from '../release/prompt-template.js';
import type { ModelRef } from '../config/release-schema.js';
import { lastUserText } from '../kernel/chat.js';
import type { ServingRelease } from './serving-release.js';
import { err, type Err, type Problem } from '../kernel/result.js';

export interface ServingInput {
  readonly messages: readonly ChatMessage[];
  readonly vars?: Readonly<Record<string, unknown>>;
  /** Request headers, lower-cased names (routing rules match on them). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Why a request cannot be served by a release, before any provider call. */
export type RequestProblem = Problem<'bad_request' | 'preprocessing_mismatch'>;

/** Flat on success: the gateway's hot path allocates no wrapper for it. */
export type Prepared = { ok: true; messages: ChatMessage[]; model: ModelRef; input: string } | Err<RequestProblem>;

/** The first routing rule whose header matches wins; otherwise the release's model. */
export function routeModel(release: ServingRelease, headers: Readonly<Record<string, string>> = {}): ModelRef {
  for (const rule of release.manifest.routing) {
    if (headers[rule.match.header.toLowerCase()] === rule.match.equals) return rule.model;
  }
  return release.manifest.model;
}

/** A prompt variable with no value, and the two ways a client can give it one. */
export function missingVariable(name: string): string {
  return (
    `prompt variable "${name}" has no value: send it in the request's "metadata" ({"${name}": "…"}) ` +
    `or as the x-sluice-var-${name} header, or give it a default in the release's prompt.vars`
  );
}

/**
 * Everything before the provider call, pure: preprocessing (the release's own
 * steps, by the one library), the user template, the system prompt, routing.
 */
export function prepareMessages(release: ServingRelease, req: ServingInput): Prepared {
  const { library, steps } = release.manifest.preprocessing;
  if (library !== PREPROCESS_LIBRARY) {
    return err(
      'preprocessing_mismatch',
      `release was registered with ${library}; this Sluice runs ${PREPROCESS_LIBRARY}`,
    );
  }
  const defaults = release.manifest.prompt.vars;
  const vars = defaults ? { ...defaults, ...req.vars } : (req.vars ?? {});
  const pre = preprocess({ messages: req.messages, vars }, steps);
  let messages = [...pre.messages];
  const input = lastUserText(messages);
  if (release.userTemplate !== undefined) {
    const at = messages.map((m) => m.role).lastIndexOf('user');
    const r = renderTemplate(release.userTemplate, { ...pre.vars, input });
    if (!r.ok) return err('bad_request', missingVariable(r.error.variable));
    if (at >= 0) messages[at] = { ...messages[at]!, content: r.value };
  }
  if (release.systemTemplate !== undefined) {
    const r = renderTemplate(release.systemTemplate, { ...pre.vars, input });
    if (!r.ok) return err('bad_request', missingVariable(r.error.variable));
    messages = [{ role: 'system', content: r.value }, ...messages];
  }
  return { ok: true, messages, model: routeModel(release, req.headers), input };
}
