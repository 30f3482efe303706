import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ChatChunk, Usage } from '../../providers/model-provider.js';
import { toGatewayError, type GatewayError } from './errors.js';
import { openEventStream } from './event-stream.js';
import { type ToolCall, ToolCallAssembler } from '../../kernel/tool-calls.js';
import { chunkBody, usageChunkBody, type Served } from './respond.js';

export interface StreamTarget {
  readonly id: string;
  readonly route: string;
  readonly created: number;
  readonly includeUsage: boolean;
  readonly served: Served;
  readonly signal: AbortSignal;
}

export interface StreamEnd {
  readonly text: string;
  /** The tool calls the streamed pieces put together. */
  readonly toolCalls?: readonly ToolCall[];
  readonly usage: Usage | undefined;
  /** Set when the upstream failed after the stream had started (the client got an error event). */
  readonly error?: GatewayError;
  /** The last finish reason the upstream gave ("stop" when it gave none). */
  readonly finishReason: string;
  /** When the first chunk came in (performance.now()). */
  readonly firstChunkAt: number;
}

/** Writes, waiting for the client to take what was written before (a slow reader slows the upstream, not memory). */
async function write(res: ServerResponse, data: string, signal: AbortSignal): Promise<void> {
  if (res.destroyed) return;
  if (!res.write(data)) await once(res, 'drain', { signal }).catch(() => {});
}

const event = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;

/**
 * Passes a stream through as OpenAI `chat.completion.chunk` events ending in
 * `data: [DONE]`. The first chunk is awaited before anything is sent, so an
 * upstream that fails at once gets a proper error status (the rejection is
 * left to the caller). A failure after that ends the stream with an error
 * event and no [DONE], which OpenAI's clients raise as an error.
 */
export async function pipeStream(
  chunks: AsyncIterable<ChatChunk>,
  res: ServerResponse,
  t: StreamTarget,
): Promise<StreamEnd> {
  const { it, first, firstAt } = await openEventStream(chunks, res, t.served);
  let next = first;
  await write(res, event(chunkBody(t.id, t.route, t.created, { role: 'assistant', content: '' }, null)), t.signal);
  let text = '';
  let usage: Usage | undefined;
  let finishReason = 'stop';
  let calls: ToolCallAssembler | undefined;
  const called = () => (calls ? { toolCalls: calls.toolCalls() } : {});
  try {
    while (!next.done) {
      const c = next.value;
      if (c.otherChoices) {
        const other = {
          id: t.id,
          object: 'chat.completion.chunk',
          created: t.created,
          model: t.route,
          choices: c.otherChoices,
        };
        await write(res, event(other), t.signal);
      }
      if (c.toolCalls) {
        calls ??= new ToolCallAssembler();
        calls.add(c.toolCalls);
        text += c.delta;
        const delta = c.delta ? { content: c.delta, tool_calls: c.toolCalls } : { tool_calls: c.toolCalls };
        await write(res, event(chunkBody(t.id, t.route, t.created, delta, null)), t.signal);
      } else if (c.delta) {
        text += c.delta;
        await write(res, event(chunkBody(t.id, t.route, t.created, { content: c.delta }, null)), t.signal);
      }
      if (c.finishReason) finishReason = c.finishReason;
      if (c.usage) usage = c.usage;
      next = await it.next();
    }
  } catch (e) {
    const error = toGatewayError(e);
    if (!res.destroyed) res.end(event(error.body()));
    return { text, usage, error, finishReason, firstChunkAt: firstAt, ...called() };
  }
  await write(res, event(chunkBody(t.id, t.route, t.created, {}, finishReason)), t.signal);
  if (t.includeUsage && usage) await write(res, event(usageChunkBody(t.id, t.route, t.created, usage)), t.signal);
  if (!res.destroyed) res.end('data: [DONE]\n\n');
  return { text, usage, finishReason, firstChunkAt: firstAt, ...called() };
}
