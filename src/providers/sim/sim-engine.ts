import type { ChatMessage } from '../../release/preprocess.js';
import { estimateTokens, lastUserText, messageText, systemText } from '../../kernel/chat.js';
import type { Usage } from '../model-provider.js';
import { usageOf } from '../usage.js';
import { countTokens, firstTokens, genericAnswer, hedge, withInventedDate } from './answer-text.js';
import { resolveBehaviour } from './behaviour.js';
import { degrade } from './degrade.js';
import { comparePair, grade, gradingRequest, pairwiseRequest } from './grading.js';
import { DEFAULT_EMBEDDING_DIMS, hashEmbedding } from './hash-embedding.js';
import { Knowledge } from './knowledge.js';
import { keyedRandom, lognormal } from './sim-random.js';
import { DEFAULT_SIM_MODEL, type SimFile, type SimModel } from './sim-schema.js';
import { type SimTools, simSchemaAnswer, simToolCall } from './sim-tools.js';
import type { ToolCall } from '../../kernel/tool-calls.js';

export interface SimRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly maxTokens?: number;
  readonly json?: boolean;
  /** The slice hint (ChatRequest.hints.slice or the x-sluice-slice header), used when knowledge has no entry. */
  readonly slice?: string;
  /** x-sluice-sim-nonce: varies every draw for otherwise identical requests. */
  readonly nonce?: string;
  /** The tools offered, tool_choice and a json_schema response format (see sim-tools.ts). */
  readonly tools?: SimTools;
}

export type SimOutcome =
  | {
      readonly kind: 'answer';
      readonly text: string;
      readonly finishReason: 'stop' | 'length' | 'tool_calls';
      /** The call the model makes instead of answering in text. */
      readonly toolCalls?: readonly ToolCall[];
      readonly usage: Usage;
      readonly latencyMs: number;
      readonly slice: string;
      readonly quality: number;
      readonly hedged: boolean;
      readonly inventedDate: boolean;
    }
  | { readonly kind: 'error'; readonly status: 500; readonly message: string; readonly latencyMs: number }
  /** The answer would run past fail_after_tokens: it stalls (504) or its stream is cut after `partial`. */
  | { readonly kind: 'overlong'; readonly partial: string; readonly tokens: number; readonly latencyMs: number }
  | { readonly kind: 'unknown_model'; readonly message: string };

export interface SimEngineOptions {
  readonly seed?: number;
  readonly file?: SimFile;
  readonly knowledge?: Knowledge;
}

/**
 * The simulated models. Every answer is a pure function of (seed, model,
 * conversation text, nonce): random draws come from streams keyed on the
 * seed, the conversation, the nonce and the purpose (not the model), so two
 * models differ exactly where their settings differ — a model with higher
 * quality keeps a superset of the reference words a lower one keeps.
 * A rubric judge's prompt is graded rather than answered (see grading.ts).
 */
export class SimEngine {
  readonly seed: number;
  private readonly file: SimFile | undefined;
  private readonly knowledge: Knowledge;

  constructor(opts: SimEngineOptions = {}) {
    this.seed = opts.seed ?? 0;
    this.file = opts.file;
    this.knowledge = opts.knowledge ?? Knowledge.empty;
  }

  /** The models the file declares (empty without a file: then every name is a default model). */
  modelNames(): string[] {
    return this.file ? Object.keys(this.file.models) : [];
  }

  model(name: string): SimModel | undefined {
    return this.file ? this.file.models[name] : DEFAULT_SIM_MODEL;
  }

  respond(req: SimRequest): SimOutcome {
    const model = this.model(req.model);
    if (!model)
      return {
        kind: 'unknown_model',
        message: `the model "${req.model}" does not exist (known: ${this.modelNames().join(', ')})`,
      };
    const system = systemText(req.messages);
    const user = lastUserText(req.messages);
    const item = this.knowledge.find(user);
    const slice = item?.slice ?? req.slice ?? '*';
    const b = resolveBehaviour(model, { slice, system, user });
    const conversation = req.messages.map((m) => `${m.role}\n${messageText(m)}`).join('\n\n');
    const draw = (purpose: string) => keyedRandom([this.seed, conversation, req.nonce ?? '', purpose]);

    const latencyMs = lognormal(draw('latency'), b.latency_ms);
    if (draw('error')() < b.error_rate)
      return { kind: 'error', status: 500, message: 'simulated upstream error', latencyMs };

    const grading = gradingRequest(req.messages);
    if (grading) return this.answer(req, grade(grading, b.quality, draw('grade')), latencyMs, slice, b.quality);
    const pair = pairwiseRequest(req.messages);
    if (pair) {
      const reference = this.knowledge.find(pair.input)?.reference;
      return this.answer(req, comparePair(pair, reference, b.quality, draw('pair')), latencyMs, slice, b.quality);
    }

    const call = req.tools ? simToolCall(req.messages, req.tools) : undefined;
    if (call) return this.toolAnswer(req, call, latencyMs, slice, b.quality);

    const drawnLength = Math.max(1, Math.round(lognormal(draw('length'), b.answer_tokens)));
    const hedged = draw('hedge')() < b.hedging_rate;
    let text = hedged
      ? hedge(draw('hedge-text'))
      : item?.reference !== undefined
        ? degrade(item.reference, b.quality, draw('tokens'))
        : genericAnswer(user, drawnLength, draw('generic'));
    const inventedDate = draw('date')() < b.invented_date_rate;
    if (inventedDate) text = withInventedDate(text, draw('date-text'));
    if (req.tools?.schema) text = simSchemaAnswer(req.messages, req.tools.schema);
    else if (req.json) text = JSON.stringify({ answer: text });

    const tokens = countTokens(text);
    const written = Math.min(Math.max(drawnLength, tokens), req.maxTokens ?? Infinity);
    if (b.fail_after_tokens !== undefined && written > b.fail_after_tokens) {
      return { kind: 'overlong', partial: firstTokens(text, b.fail_after_tokens), tokens: written, latencyMs };
    }
    return this.answer(req, text, latencyMs, slice, b.quality, hedged, inventedDate);
  }

  private answer(
    req: SimRequest,
    full: string,
    latencyMs: number,
    slice: string,
    quality: number,
    hedged = false,
    inventedDate = false,
  ): SimOutcome {
    const truncated = req.maxTokens !== undefined && countTokens(full) > req.maxTokens;
    const text = truncated ? firstTokens(full, req.maxTokens!) : full;
    const prompt = req.messages.reduce((n, m) => n + estimateTokens(messageText(m)), 0);
    const usage = usageOf(prompt, countTokens(text));
    return {
      kind: 'answer',
      text,
      finishReason: truncated ? 'length' : 'stop',
      usage,
      latencyMs,
      slice,
      quality,
      hedged,
      inventedDate,
    };
  }

  private toolAnswer(req: SimRequest, call: ToolCall, latencyMs: number, slice: string, quality: number): SimOutcome {
    const prompt = req.messages.reduce((n, m) => n + estimateTokens(messageText(m)), 0);
    return {
      kind: 'answer',
      text: '',
      finishReason: 'tool_calls',
      toolCalls: [call],
      usage: usageOf(prompt, estimateTokens(call.function.name + call.function.arguments)),
      latencyMs,
      slice,
      quality,
      hedged: false,
      inventedDate: false,
    };
  }

  embed(text: string, dims = DEFAULT_EMBEDDING_DIMS): number[] {
    return hashEmbedding(text, dims);
  }
}
