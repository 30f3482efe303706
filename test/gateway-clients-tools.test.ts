import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, tool } from 'ai';
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
});
