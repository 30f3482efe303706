import { describe, expect, it } from 'vitest';
import { servingRelease } from '../gateway/test-support/gateway-fixture.js';
import { responseSchemaOf } from '../judging/response-schema.js';
import { jsonSchemaJudge } from '../judging/json-schema-judge.js';
import { toolCallJudge } from '../judging/tool-call-judge.js';
import { sluiceConfigSchema } from '../config/sluice-schema.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { serve } from '../serving/serve.js';
import { parseSuite } from './suite.js';
import { tempDir } from '../kernel/test-support/temp-dir.js';

const weather = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};
const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
const suite = [
  {
    id: 't1',
    slice: 'tools',
    input: 'Weather in Paris?',
    tools: [weather],
    tool_choice: 'required',
    reference: '{"name": "get_weather", "arguments": {"city": "Paris"}}',
  },
  {
    id: 's1',
    slice: 'json',
    input: 'Answer in JSON',
    response_format: { type: 'json_schema', json_schema: { name: 'a', schema } },
  },
  { id: 'p1', slice: 'plain', input: 'hi' },
]
  .map((l) => JSON.stringify(l))
  .join('\n');

const providers = new ProviderRegistry(
  sluiceConfigSchema.parse({ project: 'tools', providers: { up: { kind: 'sim', seed: 1 } } }),
  { projectDir: tempDir('sluice-suite-'), env: {}, simTimeScale: 0 },
);

describe('suite items with tools and a response format', () => {
  it('reach the provider, and the tool-call and json-schema judges score the answers', async () => {
    const [t1, s1, p1] = parseSuite('suite.jsonl', suite);
    expect(t1!.extra).toEqual({ tools: [weather], tool_choice: 'required' });
    expect(p1!.extra).toBeUndefined();
    const release = servingRelease('r', 'any');
    const called = await serve(
      release,
      { messages: t1!.messages, ...(t1!.extra ? { extra: t1!.extra } : {}) },
      { providers },
    );
    if (!called.ok) throw new Error(called.error.message);
    const calls = await toolCallJudge({ name: 'calls' }).score({
      input: t1!.messages[0]!.content as string,
      output: called.value.text,
      slice: 'tools',
      reference: t1!.reference!,
      ...(called.value.toolCalls ? { toolCalls: called.value.toolCalls } : {}),
    });
    expect(calls).toMatchObject({ ok: true, score: 1 });
    const shaped = await serve(
      release,
      { messages: s1!.messages, ...(s1!.extra ? { extra: s1!.extra } : {}) },
      { providers },
    );
    if (!shaped.ok) throw new Error(shaped.error.message);
    const judged = await jsonSchemaJudge({ name: 'shape' }).score({
      input: 'x',
      output: shaped.value.text,
      slice: 'json',
      ...responseSchemaOf(s1!.extra),
    });
    expect(judged).toMatchObject({ ok: true, score: 1 });
  });
});
