import { describe, expect, it } from 'vitest';
import type { ToolCall } from '../kernel/tool-calls.js';
import { compileJsonSchema, jsonSchemaJudge } from './json-schema-judge.js';
import { rubricMessages } from './rubric-prompt.js';
import { toolCallJudge } from './tool-call-judge.js';

const call = (name: string, args: string): ToolCall => ({
  id: 'c1',
  type: 'function',
  function: { name, arguments: args },
});
const item = (toolCalls: ToolCall[] | undefined, reference?: string) => ({
  input: 'Weather in Paris?',
  output: '',
  slice: '*',
  ...(toolCalls ? { toolCalls } : {}),
  ...(reference !== undefined ? { reference } : {}),
});
const citySchema = compileJsonSchema({
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
});

describe('tool-call judge', () => {
  it("checks the call's name and arguments against the reference", async () => {
    const judge = toolCallJudge({ name: 'calls' });
    const ref = JSON.stringify({ name: 'get_weather', arguments: { city: 'Paris' } });
    expect(await judge.score(item([call('get_weather', '{"city": "Paris"}')], ref))).toMatchObject({ score: 1 });
    expect(await judge.score(item([call('get_weather', '{"city":"Oslo"}')], ref))).toMatchObject({
      score: 0,
      reason: expect.stringMatching(/differ from the reference/),
    });
    expect(await judge.score(item([call('get_time', '{}')], ref))).toMatchObject({
      score: 0,
      reason: 'called get_time, not get_weather',
    });
    expect(await judge.score(item(undefined, ref))).toMatchObject({ score: 0, reason: 'the answer made no tool call' });
    expect(await judge.score(item([call('get_weather', '{"city": Par')], ref))).toMatchObject({
      score: 0,
      reason: expect.stringMatching(/not a JSON object/),
    });
    expect(await judge.score(item([call('get_weather', '{}')], 'not json'))).toMatchObject({ ok: false });
  });

  it("checks the arguments against a JSON Schema, the function named by the judge's config", async () => {
    if (!citySchema.ok) throw new Error('schema');
    const judge = toolCallJudge({ name: 'calls', function: 'get_weather', validate: citySchema.value });
    expect(await judge.score(item([call('get_weather', '{"city":"Paris"}')]))).toMatchObject({ score: 1 });
    expect(await judge.score(item([call('get_weather', '{"town":"Paris"}')]))).toMatchObject({
      score: 0,
      reason: expect.stringMatching(/argument schema violations/),
    });
  });
});

describe("json-schema judge with the request's own schema", () => {
  it('validates the answer against response_format json_schema when the judge names no file', async () => {
    const judge = jsonSchemaJudge({ name: 'shape' });
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] };
    const base = { input: 'x', slice: '*', responseSchema: schema };
    expect(await judge.score({ ...base, output: '{"a": 1}' })).toMatchObject({ score: 1 });
    expect(await judge.score({ ...base, output: '{"b": 1}' })).toMatchObject({ score: 0 });
    expect(await judge.score({ input: 'x', slice: '*', output: '{}' })).toMatchObject({ ok: false });
    expect(await judge.score({ ...base, responseSchema: { type: 7 }, output: '{}' })).toMatchObject({ ok: false });
  });
});

describe('rubric prompt', () => {
  it("shows the candidate's tool calls to the judge", () => {
    const messages = rubricMessages({
      rubric: 'r',
      scale: [1, 5],
      input: 'Weather?',
      output: '',
      toolCalls: [call('get_weather', '{"city":"Paris"}')],
    });
    expect(messages[1]!.content).toContain('<candidate_tool_calls>');
    expect(messages[1]!.content).toContain('"name": "get_weather"');
    expect(rubricMessages({ rubric: 'r', scale: [1, 5], input: 'x', output: 'y' })[1]!.content).not.toContain(
      'tool_calls',
    );
  });
});
