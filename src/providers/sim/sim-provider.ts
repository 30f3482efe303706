import { abortedError, sleep } from '../../kernel/clock.js';
import { headerValue } from '../../kernel/chat.js';
import {
  ProviderError,
  type ChatChunk,
  type ChatRequest,
  type ChatResult,
  type ModelProvider,
} from '../model-provider.js';
import { closingChunk } from '../usage.js';
import type { SimEngine, SimOutcome, SimRequest } from './sim-engine.js';
import { simTools, withTools } from './sim-tools.js';
import type { ToolCall, ToolCallDelta } from '../../kernel/tool-calls.js';

export interface SimProviderOptions {
  readonly name: string;
  readonly engine: SimEngine;
  /** Multiplies every simulated wait: 1 is real time, 0 answers at once (tests, demos). */
  readonly timeScale?: number;
  /** How long an overlong answer stalls before failing with 'timeout' (the provider's timeout_ms). */
  readonly timeoutMs?: number;
}

/** Share of the latency spent before the first streamed piece. */
const FIRST_PIECE = 0.4;
const WORDS_PER_PIECE = 3;

/** The simulated models in-process, as a ModelProvider (no HTTP). */
export class SimProvider implements ModelProvider {
  readonly name: string;
  readonly kind = 'sim';
  readonly engine: SimEngine;
  private readonly timeScale: number;
  private readonly timeoutMs: number;

  constructor(opts: SimProviderOptions) {
    this.name = opts.name;
    this.engine = opts.engine;
    this.timeScale = opts.timeScale ?? 1;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const out = this.engine.respond(simRequest(req));
    if (out.kind === 'unknown_model') throw this.failure(out);
    if (out.kind === 'overlong') {
      await this.wait(this.timeoutMs, req.signal);
      throw this.failure(out);
    }
    await this.wait(out.latencyMs, req.signal);
    if (out.kind === 'error') throw this.failure(out);
    return {
      text: out.text,
      finishReason: out.finishReason,
      ...(out.toolCalls ? { toolCalls: out.toolCalls } : {}),
      usage: out.usage,
      model: req.model,
    };
  }

  async *chatStream(req: ChatRequest): AsyncIterable<ChatChunk> {
    const out = this.engine.respond(simRequest(req));
    if (out.kind === 'unknown_model') throw this.failure(out);
    await this.wait(out.latencyMs * FIRST_PIECE, req.signal);
    if (out.kind === 'error') throw this.failure(out);
    if (out.kind === 'answer' && out.toolCalls) {
      for (const delta of toolCallPieces(out.toolCalls)) yield { delta: '', toolCalls: [delta] };
      yield closingChunk(out.finishReason, out.usage);
      return;
    }
    const text = out.kind === 'answer' ? out.text : out.partial;
    const pieces = splitPieces(text);
    const gap = (out.latencyMs * (1 - FIRST_PIECE)) / Math.max(1, pieces.length);
    for (const [i, delta] of pieces.entries()) {
      if (i > 0) await this.wait(gap, req.signal);
      yield { delta };
    }
    if (out.kind === 'overlong')
      throw new ProviderError(
        'stream_cut',
        `${this.name}: the stream broke off after ${pieces.length} pieces (simulated)`,
      );
    yield closingChunk(out.finishReason, out.usage);
  }

  async embed(_model: string, inputs: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    if (signal?.aborted) throw abortedError(signal);
    return inputs.map((s) => this.engine.embed(s));
  }

  async close(): Promise<void> {}

  private async wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const scaled = ms * this.timeScale;
    if (scaled >= 1 || signal?.aborted) await sleep(scaled, signal);
  }

  private failure(out: Exclude<SimOutcome, { kind: 'answer' }>): ProviderError {
    switch (out.kind) {
      case 'unknown_model':
        return new ProviderError('upstream_status', `${this.name}: HTTP 404: ${out.message}`, 404);
      case 'error':
        return new ProviderError('upstream_status', `${this.name}: HTTP 500: ${out.message}`, 500);
      case 'overlong':
        return new ProviderError(
          'timeout',
          `${this.name}: no answer within ${this.timeoutMs} ms (simulated answer of ${out.tokens} tokens)`,
          504,
        );
    }
  }
}

/** What the engine needs from a ChatRequest: the slice hint and nonce come from hints or headers. */
export function simRequest(req: ChatRequest): SimRequest {
  const slice = req.hints?.slice ?? headerValue(req.headers, 'x-sluice-slice');
  const nonce = headerValue(req.headers, 'x-sluice-sim-nonce');
  return {
    model: req.model,
    messages: req.messages,
    ...(req.params.max_tokens !== undefined ? { maxTokens: req.params.max_tokens } : {}),
    ...(req.json ? { json: true } : {}),
    ...(slice !== undefined ? { slice } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
    ...withTools(simTools(req.extra)),
  };
}

/** Tool calls as a stream sends them: the name first, then the arguments in two pieces. */
export function toolCallPieces(calls: readonly ToolCall[]): ToolCallDelta[] {
  return calls.flatMap((c, index) => {
    const args = c.function.arguments;
    const half = Math.ceil(args.length / 2);
    return [
      { index, id: c.id, type: 'function' as const, function: { name: c.function.name, arguments: '' } },
      { index, function: { arguments: args.slice(0, half) } },
      { index, function: { arguments: args.slice(half) } },
    ];
  });
}

/** A text in pieces of a few words, spacing kept, so joining them gives the text back. */
export function splitPieces(text: string): string[] {
  const words = text.match(/\s*\S+/gu) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_PIECE) pieces.push(words.slice(i, i + WORDS_PER_PIECE).join(''));
  return pieces;
}
