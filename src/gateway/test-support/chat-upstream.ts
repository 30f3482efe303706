import type { ServerResponse } from 'node:http';
import {
  openSse,
  type Received,
  sendJson,
  startWireServer,
  type WireServer,
} from '../../providers/test-support/wire-server.js';

/**
 * A scripted OpenAI chat-completions upstream on 127.0.0.1 that records what
 * it received. Its answers depend on the request: a json_schema
 * response_format gets JSON, tools with tool_choice "required" (or a
 * conversation whose last message is not a tool result) get a function call,
 * a tool result gets the weather, anything else an echo of the user's text.
 * /v1/embeddings gets one small vector per input.
 */

interface Call {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

type Answer = { readonly text: string } | { readonly call: Call };

const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function lastMessage(body: Record<string, unknown>): Record<string, unknown> {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return record(messages[messages.length - 1]);
}

function textOf(m: Record<string, unknown>): string {
  if (typeof m.content === 'string') return m.content;
  if (!Array.isArray(m.content)) return '';
  return m.content.map((p) => (typeof record(p).text === 'string' ? String(record(p).text) : '')).join('');
}

export function answerFor(body: Record<string, unknown>): Answer {
  const format = record(body.response_format);
  if (format.type === 'json_schema') return { text: JSON.stringify({ name: 'Ada Lovelace', born: 1815 }) };
  if (format.type === 'json_object') return { text: '{"ok":true}' };
  const last = lastMessage(body);
  const tools = Array.isArray(body.tools) ? body.tools : [];
  if (last.role === 'tool') return { text: `The weather: ${textOf(last)}` };
  if (tools.length > 0 && body.tool_choice !== 'none') {
    const name = String(record(record(tools[0]).function).name ?? 'tool');
    return { call: { id: 'call_sluice_1', name, arguments: '{"city":"Paris"}' } };
  }
  return { text: `Echo: ${textOf(last)}` };
}

const usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };

function answerChat(r: Received, res: ServerResponse): void {
  const body = record(r.body);
  const a = answerFor(body);
  const model = String(body.model ?? 'm');
  const finish = 'call' in a ? 'tool_calls' : 'stop';
  const toolCalls =
    'call' in a
      ? [{ id: a.call.id, type: 'function', function: { name: a.call.name, arguments: a.call.arguments } }]
      : undefined;
  if (body.stream !== true) {
    sendJson(res, 200, {
      id: 'chatcmpl-up',
      object: 'chat.completion',
      created: 1,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'text' in a ? a.text : null,
            ...(toolCalls ? { tool_calls: toolCalls } : {}),
          },
          finish_reason: finish,
        },
      ],
      usage,
    });
    return;
  }
  const send = openSse(res);
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id: 'chatcmpl-up',
    object: 'chat.completion.chunk',
    created: 1,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  send(chunk({ role: 'assistant', content: '' }));
  if ('text' in a) {
    const half = Math.ceil(a.text.length / 2);
    send(chunk({ content: a.text.slice(0, half) }));
    send(chunk({ content: a.text.slice(half) }));
  } else {
    send(
      chunk({
        tool_calls: [{ index: 0, id: a.call.id, type: 'function', function: { name: a.call.name, arguments: '' } }],
      }),
    );
    send(chunk({ tool_calls: [{ index: 0, function: { arguments: a.call.arguments.slice(0, 5) } }] }));
    send(chunk({ tool_calls: [{ index: 0, function: { arguments: a.call.arguments.slice(5) } }] }));
  }
  send(chunk({}, finish));
  send({ id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model, choices: [], usage });
  send('[DONE]');
  res.end();
}

function answerEmbeddings(r: Received, res: ServerResponse): void {
  const body = record(r.body);
  const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input)];
  sendJson(res, 200, {
    object: 'list',
    data: inputs.map((s, index) => ({ object: 'embedding', index, embedding: [s.length, 1, 0.5] })),
    model: String(body.model ?? 'e'),
    usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
  });
}

/** Starts the scripted upstream; its OpenAI base URL is `${url}/v1`. */
export function startChatUpstream(): Promise<WireServer> {
  return startWireServer((r, res) => {
    if (r.url.endsWith('/chat/completions')) return answerChat(r, res);
    if (r.url.endsWith('/embeddings')) return answerEmbeddings(r, res);
    sendJson(res, 404, { error: { message: `no ${r.url}`, type: 'invalid_request_error', code: null } });
  });
}
