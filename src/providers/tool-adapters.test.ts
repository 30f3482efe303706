import { afterEach, describe, expect, it } from 'vitest';
import { ToolCallAssembler } from '../kernel/tool-calls.js';
import { AnthropicProvider } from './anthropic/anthropic-provider.js';
import { GeminiProvider } from './gemini/gemini-provider.js';
import type { ChatRequest, ModelProvider } from './model-provider.js';
import { collect } from './test-support/recording-clock.js';
import { openSse, sendJson, startWireServer, type WireServer } from './test-support/wire-server.js';

/**
 * Tools, tool history and structured output in the Anthropic and Gemini wire
 * formats, against real local servers that record what they received.
 */

const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const call = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };

const request: ChatRequest = {
  model: 'm',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [call] },
    { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
    { role: 'user', content: 'And tomorrow?' },
  ],
  params: { temperature: 0 },
  extra: { tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } }, top_k: 5 },
};

let server: WireServer | undefined;
let provider: ModelProvider | undefined;
afterEach(async () => {
  await provider?.close();
  await server?.close();
});

describe('Anthropic: tool_use and tool_result blocks, tool_choice, output_config', () => {
  it('maps the request and the answer', async () => {
    server = await startWireServer((_r, res) =>
      sendJson(res, 200, {
        type: 'message',
        model: 'm',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Paris', day: 'tomorrow' } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 10, output_tokens: 5 },
      }),
    );
    provider = new AnthropicProvider({ name: 'a', baseUrl: server.url, apiKey: 'k' });
    const out = await provider.chat({ ...request, extra: { ...request.extra, parallel_tool_calls: false } });
    expect(out.finishReason).toBe('tool_calls');
    expect(out.text).toBe('Checking.');
    expect(out.toolCalls).toEqual([
      {
        id: 'toolu_9',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris","day":"tomorrow"}' },
      },
    ]);
    expect(server.received[0]!.body).toEqual({
      model: 'm',
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '{"temp":21}' },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'The weather in a city',
          input_schema: weather.function.parameters,
        },
      ],
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      top_k: 5,
      max_tokens: 1024,
      temperature: 0,
    });
  });

  it('streams tool_use blocks as tool-call deltas, and maps json_schema to output_config', async () => {
    server = await startWireServer((_r, res) => {
      const send = openSse(res);
      send({ type: 'message_start', message: { usage: { input_tokens: 3 } } }, 'message_start');
      send(
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
        },
        'content_block_start',
      );
      send({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"city":' } });
      send({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } });
      send({ type: 'content_block_stop', index: 0 });
      send({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 4 } });
      send({ type: 'message_stop' });
      res.end();
    });
    provider = new AnthropicProvider({ name: 'a', baseUrl: server.url, apiKey: 'k' });
    const chunks = await collect(
      provider.chatStream({
        ...request,
        extra: { tools: [weather], response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } },
      }),
    );
    const calls = new ToolCallAssembler();
    for (const c of chunks) if (c.toolCalls) calls.add(c.toolCalls);
    expect(calls.toolCalls()).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    expect(chunks.at(-1)?.finishReason).toBe('tool_calls');
    expect(server.received[0]!.body).toMatchObject({ output_config: { format: { type: 'json_schema', schema } } });
  });
});

describe('Gemini: functionCall and functionResponse parts, toolConfig, responseJsonSchema', () => {
  it('maps the request and the answer', async () => {
    server = await startWireServer((_r, res) =>
      sendJson(res, 200, {
        candidates: [
          {
            content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
            finishReason: 'STOP',
          },
        ],
        usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 },
      }),
    );
    provider = new GeminiProvider({ name: 'g', baseUrl: server.url, apiKey: 'k' });
    const out = await provider.chat({
      ...request,
      extra: { ...request.extra, response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } },
    });
    expect(out.finishReason).toBe('tool_calls');
    expect(out.toolCalls).toEqual([
      { id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    expect(server.received[0]!.body).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        { role: 'model', parts: [{ functionCall: { id: 'call_1', name: 'get_weather', args: { city: 'Paris' } } }] },
        {
          role: 'user',
          parts: [{ functionResponse: { id: 'call_1', name: 'get_weather', response: { temp: 21 } } }],
        },
        { role: 'user', parts: [{ text: 'And tomorrow?' }] },
      ],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      top_k: 5,
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'The weather in a city',
              parametersJsonSchema: weather.function.parameters,
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      generationConfig: { temperature: 0, responseMimeType: 'application/json', responseJsonSchema: schema },
    });
  });

  it('streams a function call as one whole delta', async () => {
    server = await startWireServer((_r, res) => {
      const send = openSse(res);
      send({
        candidates: [
          { content: { parts: [{ functionCall: { id: 'fc1', name: 'get_weather', args: { city: 'Oslo' } } }] } },
        ],
      });
      send({ candidates: [{ content: { parts: [] }, finishReason: 'STOP' }] });
      res.end();
    });
    provider = new GeminiProvider({ name: 'g', baseUrl: server.url, apiKey: 'k' });
    const chunks = await collect(provider.chatStream(request));
    expect(chunks[0]?.toolCalls).toEqual([
      { index: 0, id: 'fc1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
    ]);
    expect(chunks.at(-1)?.finishReason).toBe('tool_calls');
  });
});
