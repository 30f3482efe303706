import { SluiceError } from '../kernel/errors.js';
import type { ChatMessage } from '../release/preprocess.js';
import type { ReleaseManifest } from '../config/release-schema.js';
import type { ToolCall, ToolCallDelta } from '../kernel/tool-calls.js';

export type ChatParams = ReleaseManifest['params'];

export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/** One call to a model, in OpenAI's vocabulary; adapters translate it to their wire format. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  /** The sampling parameters in force: the release's, and the client's where the release lets them through. */
  readonly params: ChatParams;
  /**
   * The client's other request fields in OpenAI's vocabulary, as they came
   * (checked by the gateway): tools, tool_choice, parallel_tool_calls,
   * response_format, n, logprobs, reasoning_effort, vendor fields… Each adapter
   * writes them in its own wire format (see request-extras.ts).
   */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Extra request headers for the upstream (e.g. x-sluice-shadow: 1). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Ask for a JSON object reply (OpenAI response_format json_object, or the provider's equivalent). */
  readonly json?: boolean;
  readonly signal?: AbortSignal;
  /** Hints some providers use (the simulator picks behaviour per slice). */
  readonly hints?: { readonly slice?: string };
}

/** What a completion says: the text, why it stopped, what it used, the tool calls it makes. */
export interface Completion {
  readonly text: string;
  readonly finishReason: string;
  readonly usage: Usage;
  /** The function calls the answer makes (absent when it makes none). */
  readonly toolCalls?: readonly ToolCall[];
  /** The answer's logprobs as the upstream wrote them (OpenAI wire format; absent when not asked for). */
  readonly logprobs?: unknown;
  /** The upstream's further choices when the request asked for n > 1, as it wrote them (OpenAI wire format). */
  readonly moreChoices?: readonly unknown[];
}

export interface ChatResult extends Completion {
  /** The model name the upstream reported. */
  readonly model: string;
}

/** A piece of a streamed answer. The last chunk carries finishReason and usage when the upstream reports them. */
export interface ChatChunk {
  readonly delta: string;
  /** Pieces of tool calls, in OpenAI's streamed form. */
  readonly toolCalls?: readonly ToolCallDelta[];
  /** Pieces of the further choices (n > 1), as the upstream wrote them (OpenAI wire format). */
  readonly otherChoices?: readonly unknown[];
  readonly finishReason?: string;
  readonly usage?: Usage;
}

export type ProviderErrorKind =
  | 'timeout' // no answer within timeout_ms → 504 at the gateway
  | 'rate_limited' // 429 after retries
  | 'upstream_status' // 5xx (after retries) or an unexpected 4xx
  | 'malformed' // a body that is not the wire format
  | 'connection' // refused, reset, DNS
  | 'stream_cut' // an SSE stream that ended before its end
  | 'too_large' // an answer past max_response_bytes, an event line past max_sse_line_bytes, output past max_output_chars
  | 'aborted' // the caller cancelled
  | 'config'; // missing API key and the like

/** A failed provider call. The gateway maps `kind` to 502/504; the gate counts it as an item error. */
export class ProviderError extends SluiceError {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
    opts: { cause?: unknown } = {},
  ) {
    super(kind === 'config' ? 'bad_input' : 'internal', message, opts);
    this.name = 'ProviderError';
  }
}

/** A model endpoint. Implementations live beside this file, one per wire format. */
export interface ModelProvider {
  readonly name: string;
  readonly kind: string;
  chat(req: ChatRequest): Promise<ChatResult>;
  chatStream(req: ChatRequest): AsyncIterable<ChatChunk>;
  /** Embeddings (OpenAI /v1/embeddings shape), where the provider has them. */
  embed?(model: string, inputs: readonly string[], signal?: AbortSignal): Promise<number[][]>;
  close(): Promise<void>;
}
