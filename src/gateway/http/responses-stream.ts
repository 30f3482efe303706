import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ChatChunk, Usage } from '../../providers/model-provider.js';
import { toGatewayError, type GatewayError } from './errors.js';
import { openEventStream } from './event-stream.js';
import type { Served } from './respond.js';
import type { ToolCall } from '../../kernel/tool-calls.js';
import {
  callItem,
  callItemId,
  messageId,
  messageItem,
  outputText,
  type ResponseIds,
  responseBody,
} from './responses-body.js';
import type { ResponsesRequest } from './responses-request.js';

export interface ResponsesStreamEnd {
  readonly text: string;
  readonly usage: Usage | undefined;
  /** The function calls the answer made, put together (absent when it made none). */
  readonly toolCalls?: readonly ToolCall[];
  readonly error?: GatewayError;
  readonly finishReason: string;
  /** When the first chunk came in (performance.now()). */
  readonly firstChunkAt: number;
}

interface OpenCall {
  readonly outputIndex: number;
  readonly itemId: string;
  id: string;
  name: string;
  arguments: string;
}

/**
 * Writes a served stream as the Responses API's typed events: response.created,
 * the message's output_text deltas, function-call argument deltas, each item's
 * done events, and response.completed with usage. The first chunk is awaited
 * before anything is sent, so an upstream that fails at once gets a proper
 * error status (the rejection is left to the caller); a failure after that
 * ends the stream with an `error` event and response.failed.
 */
export async function pipeResponsesStream(
  chunks: AsyncIterable<ChatChunk>,
  res: ServerResponse,
  t: { ids: ResponseIds; req: ResponsesRequest; served: Served; signal: AbortSignal },
): Promise<ResponsesStreamEnd> {
  const { it, first, firstAt } = await openEventStream(chunks, res, t.served);
  let next = first;
  let seq = 0;
  const send = async (type: string, fields: Record<string, unknown>): Promise<void> => {
    if (res.destroyed) return;
    const data = `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`;
    if (!res.write(data)) await once(res, 'drain', { signal: t.signal }).catch(() => {});
  };
  const { ids, req } = t;
  await send('response.created', { response: responseBody(ids, req, { status: 'in_progress', output: [] }) });
  await send('response.in_progress', { response: responseBody(ids, req, { status: 'in_progress', output: [] }) });
  let outputs = 0;
  let text = '';
  let messageIndex = -1;
  const calls: OpenCall[] = [];
  let usage: Usage | undefined;
  let finishReason = 'stop';
  const itemId = messageId(ids);
  /** The message item and its text part, announced once, before its first text (or at the end when nothing else came). */
  const openMessage = async (): Promise<void> => {
    if (messageIndex < 0) {
      messageIndex = outputs++;
      await send('response.output_item.added', {
        output_index: messageIndex,
        item: messageItem(ids, '', 'in_progress'),
      });
      await send('response.content_part.added', {
        item_id: itemId,
        output_index: messageIndex,
        content_index: 0,
        part: outputText(''),
      });
    }
  };
  try {
    while (!next.done) {
      const c = next.value;
      if (c.delta) {
        await openMessage();
        text += c.delta;
        await send('response.output_text.delta', {
          item_id: itemId,
          output_index: messageIndex,
          content_index: 0,
          delta: c.delta,
          logprobs: [],
        });
      }
      for (const p of c.toolCalls ?? []) {
        let call = calls[p.index];
        if (!call) {
          call = { outputIndex: outputs++, itemId: callItemId(ids, p.index), id: p.id ?? '', name: '', arguments: '' };
          call.name = p.function?.name ?? '';
          calls[p.index] = call;
          await send('response.output_item.added', {
            output_index: call.outputIndex,
            item: callItem(ids, p.index, toCall(call), 'in_progress'),
          });
        } else if (p.function?.name) call.name += p.function.name;
        if (p.id && !call.id) call.id = p.id;
        const args = p.function?.arguments;
        if (args) {
          call.arguments += args;
          await send('response.function_call_arguments.delta', {
            item_id: call.itemId,
            output_index: call.outputIndex,
            delta: args,
          });
        }
      }
      if (c.finishReason) finishReason = c.finishReason;
      if (c.usage) usage = c.usage;
      next = await it.next();
    }
  } catch (e) {
    const error = toGatewayError(e);
    const body = error.body().error;
    await send('error', { code: body.code, message: body.message, param: null });
    await send('response.failed', {
      response: {
        ...responseBody(ids, req, { output: [], usage }),
        status: 'failed',
        error: { code: body.code, message: body.message },
      },
    });
    if (!res.destroyed) res.end();
    return { text, usage, error, finishReason, firstChunkAt: firstAt, ...made(calls) };
  }
  const output: unknown[] = [];
  if (messageIndex >= 0 || calls.length === 0) {
    await openMessage();
    await send('response.output_text.done', {
      item_id: itemId,
      output_index: messageIndex,
      content_index: 0,
      text,
      logprobs: [],
    });
    await send('response.content_part.done', {
      item_id: itemId,
      output_index: messageIndex,
      content_index: 0,
      part: outputText(text),
    });
    const item = messageItem(ids, text, 'completed');
    await send('response.output_item.done', { output_index: messageIndex, item });
    output[messageIndex] = item;
  }
  for (const [i, call] of calls.entries()) {
    if (!call) continue;
    await send('response.function_call_arguments.done', {
      item_id: call.itemId,
      output_index: call.outputIndex,
      name: call.name,
      arguments: call.arguments,
    });
    const item = callItem(ids, i, toCall(call), 'completed');
    await send('response.output_item.done', { output_index: call.outputIndex, item });
    output[call.outputIndex] = item;
  }
  const response = responseBody(ids, req, { output, finishReason, ...(usage ? { usage } : {}) });
  await send(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  if (!res.destroyed) res.end();
  return { text, usage, finishReason, firstChunkAt: firstAt, ...made(calls) };
}

function made(calls: readonly (OpenCall | undefined)[]): { toolCalls?: ToolCall[] } {
  const whole = calls.filter((c): c is OpenCall => c !== undefined).map(toCall);
  return whole.length ? { toolCalls: whole } : {};
}

function toCall(c: OpenCall): ToolCall {
  return { id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } };
}
