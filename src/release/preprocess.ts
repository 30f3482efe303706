import type { PreprocessStep } from '../config/release-schema.js';
import { jsonDigest } from '../kernel/canonical-json.js';
import type { Digest } from '../kernel/digest.js';
import { applyOp } from './text-ops.js';

/**
 * The one preprocessing library. Its version is part of every preprocessing
 * digest: changing what an op does means bumping it, so a release gated under
 * one behaviour can never roll under another.
 */
export const PREPROCESS_LIBRARY = 'sluice-preprocess/1';

export type ContentPart = { type: 'text'; text: string } | { type: string; [key: string]: unknown };

export interface ChatMessage {
  role: string;
  content: string | ContentPart[] | null;
  [key: string]: unknown;
}

/** What preprocessing sees: the conversation and the template variables. */
export interface PreprocessInput {
  readonly messages: readonly ChatMessage[];
  readonly vars: Readonly<Record<string, unknown>>;
}

export function preprocessDigest(steps: readonly PreprocessStep[]): Digest {
  return jsonDigest({ library: PREPROCESS_LIBRARY, steps });
}

function mapUserText(messages: readonly ChatMessage[], f: (s: string) => string): ChatMessage[] {
  return messages.map((m) => {
    if (m.role !== 'user') return m;
    if (typeof m.content === 'string') return { ...m, content: f(m.content) };
    if (Array.isArray(m.content)) {
      return {
        ...m,
        content: m.content.map((p) =>
          p.type === 'text' && typeof p.text === 'string' ? { ...p, text: f(p.text) } : p,
        ),
      };
    }
    return m;
  });
}

/**
 * Runs the steps in order. A step without `field` rewrites the text of user
 * messages; with `field`, it rewrites that template variable (when it is a string).
 * Pure: the input is not modified.
 */
export function preprocess(input: PreprocessInput, steps: readonly PreprocessStep[]): PreprocessInput {
  // Steps on the user text and steps on a variable touch different things, so
  // the text steps run together, in their order, in one pass over the messages.
  const textSteps = steps.filter((step) => step.field === undefined);
  const messages =
    textSteps.length === 0
      ? (input.messages as ChatMessage[])
      : mapUserText(input.messages, (text) => textSteps.reduce((s, step) => applyOp(step, s), text));
  const vars: Record<string, unknown> = { ...input.vars };
  for (const step of steps) {
    if (step.field !== undefined && typeof vars[step.field] === 'string')
      vars[step.field] = applyOp(step, vars[step.field] as string);
  }
  return { messages, vars };
}
