import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonDigest } from '../kernel/canonical-json.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import { openSse, sendJson, startWireServer, type WireServer } from '../providers/test-support/wire-server.js';
import type { ResolvedManifest } from '../release/resolved-manifest.js';
import type { ServingRelease } from '../serving/serving-release.js';
import { createGateway, type Gateway } from './gateway.js';
import { MemoryRouteTable, type RouteEntry } from './routing/route-table.js';
import { manifest, registry } from './test-support/gateway-fixture.js';
import type { TraceRecord } from '../store/store.js';

let wire: WireServer;
const traces: TraceRecord[] = [];
let providers: ProviderRegistry;
let gateway: Gateway;
let client: OpenAI;
let base: string;

const CALL = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
const chunk = (delta: unknown, finish: string | null = null) => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

function route(name: string, extra: Partial<ResolvedManifest> = {}, systemTemplate?: string): RouteEntry {
  const m = manifest(name, name, 'wire', extra);
  const release: ServingRelease = { id: jsonDigest(m), manifest: m, ...(systemTemplate ? { systemTemplate } : {}) };
  return { route: name, rolloutId: null, stable: release, candidate: null, weight: 0 };
}

beforeAll(async () => {
  wire = await startWireServer((req, res) => {
    const body = req.body as { model: string; stream?: boolean };
    if (body.model === 'tools' && !body.stream)
      return sendJson(res, 200, {
        id: 'c1',
        object: 'chat.completion',
        model: 'tools',
        choices: [
          { index: 0, message: { role: 'assistant', content: null, tool_calls: [CALL] }, finish_reason: 'tool_calls' },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
      });
    if (body.model === 'many' && body.stream) {
      const send = openSse(res);
      const piece = (index: number, content: string) => ({
        ...chunk({ content }),
        choices: [{ index, delta: { content }, finish_reason: null }],
      });
      send(piece(0, 'a1 '));
      send(piece(1, 'b1 '));
      send(piece(1, 'b2'));
      send(piece(0, 'a2'));
      send(chunk({}, 'stop'));
      send('[DONE]');
      return res.end();
    }
    if (body.model === 'many') {
      const logprobs = { content: [{ token: 'a', logprob: -0.1, bytes: [97], top_logprobs: [] }], refusal: null };
      return sendJson(res, 200, {
        id: 'c1',
        object: 'chat.completion',
        model: 'many',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'a' }, logprobs, finish_reason: 'stop' },
          { index: 1, message: { role: 'assistant', content: 'b' }, logprobs, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
      });
    }
    if (body.model === 'bad-args')
      return sendJson(res, 200, {
        id: 'c1',
        object: 'chat.completion',
        model: 'bad-args',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ ...CALL, function: { name: 'get_weather', arguments: '{"city": Par' } }],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
      });
    if (body.model === 'tools' || body.model === 'cut-tools') {
      const send = openSse(res);
      send(chunk({ role: 'assistant', content: null }));
      send(
        chunk({
          tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }],
        }),
      );
      send(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }));
      if (body.model === 'cut-tools') {
        res.write('data: {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"argu');
        return setTimeout(() => res.socket?.destroy(), 10);
      }
      send(chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }));
      send(chunk({}, 'tool_calls'));
      send('[DONE]');
      return res.end();
    }
    return sendJson(res, 200, {
      id: 'c1',
      object: 'chat.completion',
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
    });
  });
  providers = registry('http://127.0.0.1:9/v1', { wire: { base_url: `${wire.url}/v1`, timeout_ms: 5_000 } });
  const routes = new MemoryRouteTable([
    route('plain'),
    route('owned', { params: { temperature: 0, max_tokens: 100 } }),
    route('open', { params: { temperature: 0, max_tokens: 100 }, params_overridable: ['temperature'] }),
    route('tools'),
    route('cut-tools'),
    route('bad-args'),
    route('many'),
    route('product', { prompt: { vars: { product: 'our product' } } }, 'You support {{product}} in {{region}}.'),
  ]);
  const store = {
    insertTraces: async (rows: readonly TraceRecord[]) => void traces.push(...rows),
    putArmIntervals: async () => {},
  };
  gateway = createGateway({ routes, providers, store, traceQueue: { batchSize: 1, flushMs: 1 } });
  base = (await gateway.listen()).url;
  client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
  await providers.close();
  await wire.close();
});

const hi = [{ role: 'user' as const, content: 'Weather in Paris?' }];
const last = () => wire.received.at(-1)!;
const sent = () => last().body as Record<string, unknown>;

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { res, body: (await res.json()) as { error?: { message: string; code: string | null } } };
}

describe('gateway: the parameter policy and pass-through', () => {
  it('passes every field the release does not own to the provider unchanged', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: {} } },
      },
    ];
    const response_format = {
      type: 'json_schema' as const,
      json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } } } },
    };
    await client.chat.completions.create({
      model: 'plain',
      messages: hi,
      tools,
      tool_choice: 'required',
      parallel_tool_calls: false,
      response_format,
      max_completion_tokens: 77,
      top_p: 0.5,
      seed: 42,
      stop: 'END',
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      reasoning_effort: 'low',
      n: 2,
      logprobs: true,
      top_logprobs: 3,
      user: 'ana',
      // @ts-expect-error: a vendor field the OpenAI client does not know passes through too
      top_k: 20,
    });
    expect(sent()).toEqual({
      model: 'plain',
      messages: hi,
      tools,
      tool_choice: 'required',
      parallel_tool_calls: false,
      response_format,
      max_tokens: 77,
      top_p: 0.5,
      seed: 42,
      stop: ['END'],
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      reasoning_effort: 'low',
      n: 2,
      logprobs: true,
      top_logprobs: 3,
      user: 'ana',
      top_k: 20,
    });
  });

  it('answers every choice of n > 1, with logprobs, as the upstream wrote them', async () => {
    const out = await client.chat.completions.create({ model: 'many', messages: hi, n: 2, logprobs: true });
    expect(sent()).toMatchObject({ n: 2, logprobs: true });
    expect(out.choices.map((c) => [c.index, c.message.content, c.logprobs?.content?.[0]?.token])).toEqual([
      [0, 'a', 'a'],
      [1, 'b', 'a'],
    ]);
    const stream = await client.chat.completions.create({ model: 'many', messages: hi, n: 2, stream: true });
    const texts = ['', ''];
    for await (const c of stream) for (const choice of c.choices) texts[choice.index] += choice.delta.content ?? '';
    expect(texts).toEqual(['a1 a2', 'b1 b2']);
  });

  it("keeps the release's params and names the client's overridden ones; params_overridable lets them through", async () => {
    const owned = await client.chat.completions
      .create({ model: 'owned', messages: hi, temperature: 0.7, max_tokens: 100, top_p: 0.9 })
      .withResponse();
    expect(sent()).toMatchObject({ temperature: 0, max_tokens: 100, top_p: 0.9 });
    expect(owned.response.headers.get('x-sluice-overridden')).toBe('temperature');
    const budget = await client.chat.completions
      .create({ model: 'owned', messages: hi, max_completion_tokens: 5000 })
      .withResponse();
    expect(sent()).toMatchObject({ temperature: 0, max_tokens: 100 });
    expect(budget.response.headers.get('x-sluice-overridden')).toBe('max_tokens');
    const open = await client.chat.completions
      .create({ model: 'open', messages: hi, temperature: 0.7, max_tokens: 900 })
      .withResponse();
    expect(sent()).toMatchObject({ temperature: 0.7, max_tokens: 100 });
    expect(open.response.headers.get('x-sluice-overridden')).toBe('max_tokens');
    const none = await client.chat.completions.create({ model: 'owned', messages: hi }).withResponse();
    expect(none.response.headers.get('x-sluice-overridden')).toBeNull();
  });

  it('refuses a wrong type in a known field with a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ temperature: 'hot' }, /temperature/],
      [{ max_completion_tokens: 0 }, /max_completion_tokens/],
      [{ n: 'two' }, /\bn\b/],
      [{ tools: [{ type: 'function', function: { description: 'no name' } }] }, /tools\.0\.function\.name/],
      [
        { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'objekt' } } }] },
        /parameters: is not a JSON Schema/,
      ],
      [{ tools: 'get_weather' }, /tools/],
      [{ tool_choice: 'always' }, /tool_choice/],
      [
        { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 12 } } } },
        /schema: is not a JSON Schema/,
      ],
      [{ response_format: { type: 'yaml' } }, /response_format/],
    ];
    const before = wire.received.length;
    for (const [fields, message] of cases) {
      const { res, body } = await post({ model: 'plain', messages: hi, ...fields });
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(body.error?.message).toMatch(message);
    }
    expect(wire.received.length).toBe(before);
  });
});

describe('gateway: tool calls', () => {
  it('returns the tool calls of an answer, and passes tool history through', async () => {
    const history = [
      ...hi,
      { role: 'assistant' as const, content: null, tool_calls: [CALL as OpenAI.ChatCompletionMessageToolCall] },
      { role: 'tool' as const, tool_call_id: 'call_1', content: '{"temp": 21}' },
    ];
    const out = await client.chat.completions.create({ model: 'tools', messages: history });
    expect(sent().messages).toEqual(history);
    expect(out.choices[0]!.finish_reason).toBe('tool_calls');
    expect(out.choices[0]!.message.tool_calls).toEqual([CALL]);
    expect(out.choices[0]!.message.content).toBeNull();
    await gateway.flush();
    const trace = traces.find((t) => t.route === 'tools' && t.toolCalls !== undefined)!;
    expect(JSON.parse(trace.toolCalls!)).toEqual([CALL]);
    expect(JSON.parse(trace.input)).toEqual(history);
  });

  it('streams tool-call deltas that the official client puts back together', async () => {
    const stream = await client.chat.completions.create({ model: 'tools', messages: hi, stream: true });
    let args = '';
    let name = '';
    let finish: string | null = null;
    for await (const c of stream) {
      for (const d of c.choices[0]?.delta.tool_calls ?? []) {
        name += d.function?.name ?? '';
        args += d.function?.arguments ?? '';
      }
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    expect({ name, args, finish }).toEqual({ name: 'get_weather', args: '{"city":"Paris"}', finish: 'tool_calls' });
    await gateway.flush();
    const streamed = traces.filter((t) => t.route === 'tools' && t.toolCalls !== undefined).at(-1)!;
    expect(JSON.parse(streamed.toolCalls!)).toEqual([CALL]);
  });

  it('ends a tool-call stream cut mid-delta with a clean error, and passes invalid JSON arguments through unchanged', async () => {
    const stream = await client.chat.completions.create({ model: 'cut-tools', messages: hi, stream: true });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow(/stream/);
    const out = await client.chat.completions.create({ model: 'bad-args', messages: hi });
    expect(out.choices[0]!.message.tool_calls?.[0]).toMatchObject({ function: { arguments: '{"city": Par' } });
    expect(await gateway.metrics.text()).toMatch(
      /sluice_gateway_tool_call_invalid_arguments_total\{route="bad-args"\} 1/,
    );
    expect(await gateway.metrics.text()).toMatch(
      /sluice_gateway_requests_total\{[^}]*route="cut-tools"[^}]*status="502"/,
    );
  });
});

describe('gateway: request identity and prompt variables', () => {
  it('forwards traceparent, tracestate and x-request-id, and answers with the request id', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const { res } = await post(
      { model: 'plain', messages: hi },
      { traceparent, tracestate: 'vendor=1', 'x-request-id': 'req-42' },
    );
    expect(res.headers.get('x-request-id')).toBe('req-42');
    expect(last().headers).toMatchObject({ traceparent, tracestate: 'vendor=1', 'x-request-id': 'req-42' });
    const fresh = await post({ model: 'plain', messages: hi });
    const id = fresh.res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(last().headers['x-request-id']).toBe(id);
    const refused = await post({ model: 'plain', messages: [] }, { 'x-request-id': 'req-43' });
    expect(refused.res.status).toBe(400);
    expect(refused.res.headers.get('x-request-id')).toBe('req-43');
    await gateway.flush();
    expect(traces.find((t) => t.requestId === 'req-42')).toMatchObject({ route: 'plain', status: 200 });
  });

  it('fills prompt variables from metadata, x-sluice-var headers and the release defaults, and names a missing one', async () => {
    await post({ model: 'product', messages: hi, metadata: { region: 'EU' } });
    expect((sent().messages as { content: string }[])[0]!.content).toBe('You support our product in EU.');
    await post({ model: 'product', messages: hi }, { 'x-sluice-var-region': 'US', 'x-sluice-var-product': 'Acme' });
    expect((sent().messages as { content: string }[])[0]!.content).toBe('You support Acme in US.');
    const missing = await post({ model: 'product', messages: hi });
    expect(missing.res.status).toBe(400);
    expect(missing.body.error?.message).toMatch(/prompt variable "region" has no value/);
    expect(missing.body.error?.message).toMatch(/"metadata"/);
    expect(missing.body.error?.message).toMatch(/x-sluice-var-region/);
  });
});
