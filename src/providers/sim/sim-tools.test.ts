import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolCallAssembler } from '../../kernel/tool-calls.js';
import { OpenAiCompatibleProvider } from '../openai/openai-compatible-provider.js';
import { collect } from '../test-support/recording-clock.js';
import { SimEngine } from './sim-engine.js';
import { startSimServer, type SimServer } from './sim-server.js';
import { schemaInstance, simTools } from './sim-tools.js';

const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { enum: ['c', 'f'] }, days: { type: 'integer' } },
      required: ['city', 'unit'],
    },
  },
};
const ask = (content: string) => [{ role: 'user', content }];
const engine = new SimEngine({ seed: 1 });
const respond = (messages: { role: string; content: string }[], extra: Record<string, unknown>) =>
  engine.respond({ model: 'any', messages, tools: simTools(extra) });

describe('simulated models and tools', () => {
  it('call a tool when required or when the user names its topic, answer in text otherwise and after a result', () => {
    const required = respond(ask('Hello there'), { tools: [weather], tool_choice: 'required' });
    expect(required).toMatchObject({ kind: 'answer', finishReason: 'tool_calls', text: '' });
    const call = required.kind === 'answer' ? required.toolCalls?.[0] : undefined;
    expect(call?.function.name).toBe('get_weather');
    expect(JSON.parse(call!.function.arguments)).toEqual({ city: 'there', unit: 'c' });
    const auto = respond(ask('What is the weather in Paris today?'), { tools: [weather] });
    expect(auto.kind === 'answer' && JSON.parse(auto.toolCalls![0]!.function.arguments)).toEqual({
      city: 'Paris',
      unit: 'c',
    });
    expect(respond(ask('Tell me a joke'), { tools: [weather] })).toMatchObject({ finishReason: 'stop' });
    expect(respond(ask('Weather in Paris?'), { tools: [weather], tool_choice: 'none' })).toMatchObject({
      finishReason: 'stop',
    });
    const after = respond(
      [...ask('Weather in Paris?'), { role: 'assistant', content: '' }, { role: 'tool', content: '{"temp": 21}' }],
      { tools: [weather] },
    );
    expect(after).toMatchObject({ kind: 'answer', finishReason: 'stop' });
  });

  it('answer a json_schema response format with an instance of the schema', () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, born: { type: 'number' }, tags: { type: 'array' } },
      required: ['name', 'born', 'tags'],
    };
    const out = respond(ask('Who wrote the first program, Ada?'), {
      response_format: { type: 'json_schema', json_schema: { name: 'p', schema } },
    });
    expect(out.kind === 'answer' && JSON.parse(out.text)).toEqual({ name: 'Ada', born: 1, tags: [] });
    expect(schemaInstance({ anyOf: [{ type: 'boolean' }, { type: 'string' }] }, 'x')).toBe(true);
  });
});

describe('the sim server speaks tool calls on the wire', () => {
  let server: SimServer;
  let provider: OpenAiCompatibleProvider;
  beforeAll(async () => {
    server = await startSimServer({ engine: new SimEngine({ seed: 1 }), timeScale: 0 });
    provider = new OpenAiCompatibleProvider({ name: 'sim', baseUrl: server.url, retries: 0 });
  });
  afterAll(async () => {
    await provider.close();
    await server.close();
  });

  it('whole and streamed', async () => {
    const req = {
      model: 'm',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      params: {},
      extra: { tools: [weather] },
    };
    const out = await provider.chat(req);
    expect(out.finishReason).toBe('tool_calls');
    expect(out.toolCalls?.[0]?.function).toEqual({ name: 'get_weather', arguments: '{"city":"Oslo","unit":"c"}' });
    const chunks = await collect(provider.chatStream(req));
    const calls = new ToolCallAssembler();
    for (const c of chunks) if (c.toolCalls) calls.add(c.toolCalls);
    expect(calls.toolCalls()).toEqual(out.toolCalls);
    expect(chunks.at(-1)?.finishReason).toBe('tool_calls');
  });
});
