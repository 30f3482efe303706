import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { generateObject, generateText, stepCountIs, tool } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ClientGateway, startClientGateway } from './support/client-gateway.js';

/** Function tools and structured output through the Responses API, with real clients (see gateway-clients.test.ts). */

let g: ClientGateway;
beforeAll(async () => {
  g = await startClientGateway();
});
afterAll(() => g.close());

describe('openai client × Responses API: tools and structured output', () => {
  const client = () => new OpenAI({ apiKey: g.frontend, baseURL: g.base, maxRetries: 0 });

  it('responses.create with a function tool and tool_choice "required": a function_call item; its output continues the conversation', async () => {
    const tools: OpenAI.Responses.Tool[] = [
      {
        type: 'function',
        name: 'weather',
        description: 'the weather in a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        strict: true,
      },
    ];
    const first = await client().responses.create({
      model: 'assistant',
      input: 'weather?',
      tools,
      tool_choice: 'required',
    });
    const call = first.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'weather', arguments: '{"city":"Paris"}' });
    expect(g.lastChat()).toMatchObject({
      tool_choice: 'required',
      tools: [
        {
          type: 'function',
          function: { name: 'weather', parameters: tools[0]!.type === 'function' ? tools[0]!.parameters : {} },
        },
      ],
    });
    if (call?.type !== 'function_call') throw new Error('no function call');
    const second = await client().responses.create({
      model: 'assistant',
      input: [
        { role: 'user', content: 'weather?' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: 'sunny, 21°C' },
      ],
      tools,
    });
    expect(second.output_text).toBe('The weather: sunny, 21°C');
    expect(g.lastChat().messages.slice(-2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: call.call_id, type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: call.call_id, content: 'sunny, 21°C' },
    ]);
  });

  it('responses.create streaming a function call: argument deltas, the done item, the call in the completed response', async () => {
    const stream = await client().responses.create({
      model: 'assistant',
      input: 'weather?',
      tools: [{ type: 'function', name: 'weather', parameters: { type: 'object' }, strict: false }],
      tool_choice: 'required',
      stream: true,
    });
    let args = '';
    let done: OpenAI.Responses.ResponseOutputItem | undefined;
    let completed: OpenAI.Responses.Response | undefined;
    for await (const e of stream) {
      if (e.type === 'response.function_call_arguments.delta') args += e.delta;
      if (e.type === 'response.output_item.done') done = e.item;
      if (e.type === 'response.completed') completed = e.response;
    }
    expect(args).toBe('{"city":"Paris"}');
    expect(done).toMatchObject({ type: 'function_call', name: 'weather', call_id: 'call_sluice_1', arguments: args });
    expect(completed?.output).toEqual([done]);
  });

  it('responses.create with text.format json_schema: the schema goes upstream as response_format', async () => {
    const r = await client().responses.create({
      model: 'assistant',
      input: 'who?',
      text: {
        format: {
          type: 'json_schema',
          name: 'person',
          schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
          strict: true,
        },
      },
    });
    expect(JSON.parse(r.output_text)).toEqual({ name: 'Ada Lovelace', born: 1815 });
    expect(g.lastChat().response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'person', strict: true },
    });
  });
});

describe('AI SDK × Responses API: tools and structured output', () => {
  const openai = () => createOpenAI({ apiKey: g.frontend, baseURL: g.base });

  it('generateObject with a zod schema', async () => {
    const r = await generateObject({
      model: openai()('assistant'),
      schema: z.object({ name: z.string(), born: z.number() }),
      prompt: 'who wrote the first program?',
    });
    expect(r.object).toEqual({ name: 'Ada Lovelace', born: 1815 });
    expect(g.lastChat().response_format).toMatchObject({ type: 'json_schema' });
  });

  it("tools with toolChoice: 'required'", async () => {
    const r = await generateText({
      model: openai()('assistant'),
      prompt: 'weather in Paris?',
      tools: { weather: tool({ description: 'the weather', inputSchema: z.object({ city: z.string() }) }) },
      toolChoice: 'required',
    });
    expect(r.toolCalls.map((c) => [c.toolName, c.input])).toEqual([['weather', { city: 'Paris' }]]);
    expect(g.lastChat().tool_choice).toBe('required');
  });

  it('tool results: a tool that runs sends its function_call_output back in the next request', async () => {
    const r = await generateText({
      model: openai()('assistant'),
      prompt: 'weather in Paris?',
      tools: {
        weather: tool({
          description: 'the weather',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => `sunny in ${city}`,
        }),
      },
      stopWhen: stepCountIs(3),
      providerOptions: { openai: { store: false } },
    });
    expect(r.steps.length).toBe(2);
    expect(r.text).toBe('The weather: sunny in Paris');
    expect(g.lastChat().messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_sluice_1' });
  });
});

describe('LangChain ChatOpenAI (useResponsesApi) × Responses API: tools and structured output', () => {
  const model = () =>
    new ChatOpenAI({
      model: 'assistant',
      apiKey: g.frontend,
      configuration: { baseURL: g.base },
      useResponsesApi: true,
      maxRetries: 0,
    });
  const weather = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      description: 'The weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  };

  it('bindTools: the function call comes back with its parsed arguments, whole and streamed', async () => {
    const out = await model().bindTools([weather], { tool_choice: 'required' }).invoke('Weather in Paris?');
    expect(out.tool_calls?.map((c) => [c.name, c.args])).toEqual([['get_weather', { city: 'Paris' }]]);
    // LangChain's Responses path sends the tools (with `strict: null`) but not tool_choice.
    expect(g.lastChat()).toMatchObject({ tools: [{ type: 'function', function: { name: 'get_weather' } }] });
    const chunks = [];
    for await (const c of await model().bindTools([weather], { tool_choice: 'required' }).stream('Weather?'))
      chunks.push(c);
    const whole = chunks.reduce((a, c) => a.concat(c));
    expect(whole.tool_calls?.map((c) => [c.name, c.args])).toEqual([['get_weather', { city: 'Paris' }]]);
  });

  it('withStructuredOutput (json schema): text.format reaches the upstream as response_format', async () => {
    const person = z.object({ name: z.string(), born: z.number() });
    const out = await model().withStructuredOutput(person, { name: 'person', method: 'jsonSchema' }).invoke('Who?');
    expect(out).toEqual({ name: 'Ada Lovelace', born: 1815 });
    expect(g.lastChat().response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'person' } });
  });
});
