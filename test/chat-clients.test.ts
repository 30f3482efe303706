import { createOpenAI } from '@ai-sdk/openai';
import { AIMessage, type AIMessageChunk, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ClientGateway, startClientGateway } from './support/client-gateway.js';

/**
 * Real clients on /v1/chat/completions (no stubbed fetch): the official
 * openai client, the AI SDK's chat models (`.chat()`) and LangChain's
 * ChatOpenAI, through the gateway to a scripted upstream that records what it
 * received. Tools, tool calls (whole and streamed), tool results, structured
 * output and the client's params reach the upstream as the client sent them.
 */

let g: ClientGateway;
beforeAll(async () => {
  g = await startClientGateway();
});
afterAll(() => g.close());

const person = z.object({ name: z.string(), born: z.number() });
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const sent = (): Record<string, unknown> => g.lastChat();

describe('openai client × chat completions', () => {
  const client = () => new OpenAI({ apiKey: g.frontend, baseURL: g.base, maxRetries: 0 });

  it('text and streaming', async () => {
    const c = client();
    const out = await c.chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'hi   you' }],
    });
    expect(out.choices[0]!.message.content).toBe('Echo: hi you');
    const stream = await c.chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'stream   me' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: stream me');
  });

  it('tools: the call comes back, tools and tool_choice reach the upstream unchanged', async () => {
    const out = await client().chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(out.choices[0]!.finish_reason).toBe('tool_calls');
    expect(out.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_sluice_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    expect(sent()).toMatchObject({ tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false });
  });

  it('tools streaming: the tool-call deltas put back together', async () => {
    const stream = await client().chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      stream: true,
    });
    let args = '';
    let name = '';
    for await (const c of stream)
      for (const d of c.choices[0]?.delta.tool_calls ?? []) {
        name += d.function?.name ?? '';
        args += d.function?.arguments ?? '';
      }
    expect({ name, args }).toEqual({ name: 'get_weather', args: '{"city":"Paris"}' });
  });

  it('tool results: the assistant call and the tool message reach the upstream as history', async () => {
    const call = {
      id: 'call_1',
      type: 'function' as const,
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    };
    const out = await client().chat.completions.create({
      model: 'assistant',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 21 C' },
      ],
      tools: [weatherTool],
    });
    expect(out.choices[0]!.message.content).toBe('The weather: sunny, 21 C');
    expect((sent().messages as unknown[]).slice(-2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 21 C' },
    ]);
  });

  it('structured output: response_format json_schema passes through and the JSON comes back', async () => {
    const response_format = {
      type: 'json_schema' as const,
      json_schema: { name: 'person', strict: true, schema: z.toJSONSchema(person) },
    };
    const out = await client().chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'Who wrote the first program?' }],
      response_format,
    });
    expect(person.parse(JSON.parse(out.choices[0]!.message.content!))).toEqual({ name: 'Ada Lovelace', born: 1815 });
    expect(sent().response_format).toEqual(response_format);
  });

  it("params: the client's pass through; traceparent and x-request-id reach the upstream", async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { response } = await client()
      .chat.completions.create(
        { model: 'assistant', messages: [{ role: 'user', content: 'hi' }], temperature: 0.7, seed: 3, n: 1 },
        { headers: { traceparent, 'x-request-id': 'client-req-1' } },
      )
      .withResponse();
    expect(sent()).toMatchObject({ temperature: 0.7, seed: 3, n: 1 });
    expect(response.headers.get('x-request-id')).toBe('client-req-1');
    const received = g.upstream.received.at(-1)!;
    expect(received.headers).toMatchObject({ traceparent, 'x-request-id': 'client-req-1' });
  });
});

describe('AI SDK (chat models) × chat completions', () => {
  const model = () => createOpenAI({ apiKey: g.frontend, baseURL: g.base }).chat('assistant');

  it('generateText and streamText', async () => {
    const { text } = await generateText({ model: model(), prompt: 'hello   world' });
    expect(text).toBe('Echo: hello world');
    const stream = streamText({ model: model(), prompt: 'stream   me' });
    let streamed = '';
    for await (const part of stream.textStream) streamed += part;
    expect(streamed).toBe('Echo: stream me');
  });

  it('generateObject with a zod schema: response_format json_schema through the gateway', async () => {
    const { object } = await generateObject({ model: model(), schema: person, prompt: 'Who wrote the first program?' });
    expect(object).toEqual({ name: 'Ada Lovelace', born: 1815 });
    expect(sent().response_format).toMatchObject({ type: 'json_schema', json_schema: { schema: { type: 'object' } } });
  });

  it("tools with toolChoice 'required', whole and streamed", async () => {
    const tools = {
      get_weather: tool({ description: 'The weather in a city', inputSchema: z.object({ city: z.string() }) }),
    };
    const { toolCalls } = await generateText({ model: model(), prompt: 'Weather?', tools, toolChoice: 'required' });
    expect(toolCalls.map((c) => [c.toolName, c.input])).toEqual([['get_weather', { city: 'Paris' }]]);
    expect(sent()).toMatchObject({
      tool_choice: 'required',
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
    });
    const stream = streamText({ model: model(), prompt: 'Weather?', tools, toolChoice: 'required' });
    const calls = await stream.toolCalls;
    expect(calls.map((c) => [c.toolName, c.input])).toEqual([['get_weather', { city: 'Paris' }]]);
  });

  it('tool results: a tool that runs continues the conversation with a role "tool" message', async () => {
    const tools = {
      get_weather: tool({
        description: 'The weather in a city',
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => `sunny in ${city}`,
      }),
    };
    const { text, steps } = await generateText({ model: model(), prompt: 'Weather?', tools, stopWhen: stepCountIs(3) });
    expect(steps.length).toBe(2);
    expect(text).toBe('The weather: sunny in Paris');
    const messages = (sent().messages as Record<string, unknown>[]).slice(-2);
    expect(messages[0]).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: 'call_sluice_1', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    });
    expect(messages[1]).toMatchObject({ role: 'tool', tool_call_id: 'call_sluice_1', content: 'sunny in Paris' });
  });

  it("params and request id: the client's params pass through; traceparent and x-request-id reach the upstream", async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const r = await generateText({
      model: model(),
      prompt: 'hi',
      temperature: 0.7,
      topP: 0.9,
      seed: 3,
      maxOutputTokens: 50,
      headers: { traceparent, 'x-request-id': 'sdk-req-1' },
    });
    expect(sent()).toMatchObject({ temperature: 0.7, top_p: 0.9, seed: 3, max_tokens: 50 });
    expect(g.upstream.received.at(-1)?.headers).toMatchObject({ traceparent, 'x-request-id': 'sdk-req-1' });
    expect(r.response.headers?.['x-request-id']).toBe('sdk-req-1');
  });
});

describe('LangChain ChatOpenAI × chat completions', () => {
  const chat = () =>
    new ChatOpenAI({ model: 'assistant', apiKey: g.frontend, configuration: { baseURL: g.base }, maxRetries: 0 });

  it('invoke and stream', async () => {
    const out = await chat().invoke('hello   there');
    expect(out.content).toBe('Echo: hello there');
    let text = '';
    for await (const c of await chat().stream('stream   me')) text += typeof c.content === 'string' ? c.content : '';
    expect(text).toBe('Echo: stream me');
  });

  it('bindTools: the tool call comes back with its parsed arguments', async () => {
    const out = await chat().bindTools([weatherTool], { tool_choice: 'required' }).invoke('Weather in Paris?');
    expect(out.tool_calls?.map((c) => [c.name, c.args])).toEqual([['get_weather', { city: 'Paris' }]]);
    expect(sent()).toMatchObject({ tool_choice: 'required', tools: [weatherTool] });
  });

  it('withStructuredOutput (json schema)', async () => {
    const out = await chat().withStructuredOutput(person, { name: 'person', method: 'jsonSchema' }).invoke('Who?');
    expect(out).toEqual({ name: 'Ada Lovelace', born: 1815 });
    expect(sent().response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'person' } });
  });
  it('bindTools streamed: the tool-call chunks add up to the call', async () => {
    let whole: AIMessageChunk | undefined;
    for await (const c of await chat().bindTools([weatherTool], { tool_choice: 'required' }).stream('Weather?'))
      whole = whole ? whole.concat(c) : c;
    expect(whole?.tool_calls?.map((c) => [c.name, c.args])).toEqual([['get_weather', { city: 'Paris' }]]);
    expect(sent()).toMatchObject({ stream: true, tool_choice: 'required' });
  });

  it('tool results: a ToolMessage in the history reaches the upstream as role "tool"', async () => {
    const out = await chat()
      .bindTools([weatherTool])
      .invoke([
        new HumanMessage('Weather in Paris?'),
        new AIMessage({
          content: '',
          tool_calls: [{ id: 'call_1', name: 'get_weather', args: { city: 'Paris' }, type: 'tool_call' }],
        }),
        new ToolMessage({ tool_call_id: 'call_1', content: 'rain, 12°C' }),
      ]);
    expect(out.content).toBe('The weather: rain, 12°C');
    expect((sent().messages as Record<string, unknown>[]).at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'call_1',
      content: 'rain, 12°C',
    });
  });

  it("params and request id: the client's params pass through; traceparent and x-request-id reach the upstream", async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const tuned = new ChatOpenAI({
      model: 'assistant',
      apiKey: g.frontend,
      temperature: 0.7,
      topP: 0.9,
      maxTokens: 50,
      configuration: { baseURL: g.base, defaultHeaders: { traceparent, 'x-request-id': 'lc-req-1' } },
      maxRetries: 0,
    });
    await tuned.invoke('hi');
    expect(sent()).toMatchObject({ temperature: 0.7, top_p: 0.9, max_tokens: 50 });
    expect(g.upstream.received.at(-1)?.headers).toMatchObject({ traceparent, 'x-request-id': 'lc-req-1' });
  });
});
