import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimServer } from '../providers/sim/sim-server.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import { createGateway, type Gateway } from './gateway.js';
import { MemoryRouteTable } from './routing/route-table.js';
import { entry, registry, simEngine, startUpstream } from './test-support/gateway-fixture.js';

let upstream: SimServer;
let providers: ProviderRegistry;
let routes: MemoryRouteTable;
let gateway: Gateway;
let client: OpenAI;
let base: string;

const legal = entry('legal', 0, null);

beforeAll(async () => {
  upstream = await startUpstream();
  providers = registry(upstream.url);
  routes = new MemoryRouteTable([legal, entry('split', 30, 'rollout-a'), entry('flaky', 0, null, ['flaky', 'flaky'])]);
  gateway = createGateway({ routes, providers });
  base = (await gateway.listen()).url;
  client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
  await providers.close();
  await upstream.close();
});

const ask = (model: string, content: string, user?: string) => ({
  model,
  messages: [{ role: 'user' as const, content }],
  ...(user ? { user } : {}),
});

describe('gateway: OpenAI wire format through the one serving path', () => {
  it('answers a non-streaming completion with the release and arm headers', async () => {
    const { data, response } = await client.chat.completions
      .create(ask('legal', 'What is a royalty clause?'))
      .withResponse();
    const expected = simEngine().respond({
      model: 'legal-v1',
      messages: [{ role: 'user', content: 'What is a royalty clause?' }],
    });
    expect(expected.kind).toBe('answer');
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('legal');
    expect(data.choices[0]?.message.content).toBe(expected.kind === 'answer' ? expected.text : '');
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-sluice-release')).toBe(legal.stable.id);
    expect(response.headers.get('x-sluice-arm')).toBe('stable');
  });

  it('streams chat.completion.chunk events, with usage when asked, and the same text', async () => {
    const whole = await client.chat.completions.create(ask('legal', 'Explain a notice period.'));
    const { data: stream, response } = await client.chat.completions
      .create({ ...ask('legal', 'Explain a notice period.'), stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('x-sluice-release')).toBe(legal.stable.id);
    expect(response.headers.get('x-sluice-arm')).toBe('stable');
    let text = '';
    let chunks = 0;
    let usage: unknown;
    let finish: string | null = null;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(finish).toBe('stop');
    expect(usage).toEqual(whole.usage);
  });

  it('ends the raw SSE stream with data: [DONE]', async () => {
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ ...ask('legal', 'hi'), stream: true }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await res.text();
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(body.split('\n\n').filter((e) => e.startsWith('data: {')).length).toBeGreaterThan(2);
  });

  it('lists the routes as models and answers /healthz', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id).sort()).toEqual(['flaky', 'legal', 'split']);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
  });
});

describe('gateway: arms', () => {
  it('keeps each sticky user on one arm, and a canary user canary as the weight grows', async () => {
    const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const armOf = async (user: string): Promise<string> => {
      const { response } = await client.chat.completions.create(ask('split', 'hello', user)).withResponse();
      return response.headers.get('x-sluice-arm')!;
    };
    const first = await Promise.all(users.map(armOf));
    const again = await Promise.all(users.map(armOf));
    expect(again).toEqual(first);
    const canary = users.filter((_, i) => first[i] === 'canary');
    expect(canary.length).toBeGreaterThan(3);
    expect(canary.length).toBeLessThan(30);
    routes.set(entry('split', 60, 'rollout-a'));
    const grown = await Promise.all(users.map(armOf));
    for (const [i, u] of users.entries()) if (canary.includes(u)) expect(grown[i]).toBe('canary');
    expect(grown.filter((a) => a === 'canary').length).toBeGreaterThan(canary.length);
  });

  it('sends everything to stable at weight 0 and to the candidate at 100, with its release id', async () => {
    const arms = async () =>
      Promise.all(
        Array.from({ length: 20 }, async () => {
          const { response } = await client.chat.completions.create(ask('split', 'hello')).withResponse();
          return [response.headers.get('x-sluice-arm'), response.headers.get('x-sluice-release')];
        }),
      );
    const zero = entry('split', 0, 'rollout-b');
    routes.set(zero);
    expect(new Set((await arms()).map((a) => a.join(' ')))).toEqual(new Set([`stable ${zero.stable.id}`]));
    const full = entry('split', 100, 'rollout-b');
    routes.set(full);
    expect(new Set((await arms()).map((a) => a.join(' ')))).toEqual(new Set([`canary ${full.candidate!.id}`]));
  });
});

describe('gateway: client errors', () => {
  it('answers an unknown route with 404 model_not_found', async () => {
    const err = await client.chat.completions.create(ask('nope', 'hi')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('answers malformed JSON and a body without messages with 400 and an OpenAI error', async () => {
    const bad = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      body: '{"model": "legal", "messages": [',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_json' } });
    const noMessages = await fetch(`${base}/v1/chat/completions`, { method: 'POST', body: '{"model": "legal"}' });
    expect(noMessages.status).toBe(400);
    const body = (await noMessages.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain('messages');
  });

  it('answers an unknown endpoint with 404 and a wrong method with 405', async () => {
    expect((await fetch(`${base}/v1/completions`)).status).toBe(404);
    expect((await fetch(`${base}/v1/chat/completions`)).status).toBe(405);
  });
});

describe('gateway: upstream failures', () => {
  it('maps an upstream 500 to 502 with an OpenAI error body', async () => {
    const err = await client.chat.completions.create(ask('flaky', 'hi')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const api = err as InstanceType<typeof OpenAI.APIError>;
    expect(api.status).toBe(502);
    expect(api.type).toBe('upstream_error');
    expect(api.message).toContain('simulated upstream error');
    expect(api.headers?.get('x-sluice-arm')).toBe('stable');
    const streamed = await client.chat.completions
      .create({ ...ask('flaky', 'hi'), stream: true })
      .catch((e: unknown) => e);
    expect((streamed as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  });

  it('serves the next request after a failed one', async () => {
    const ok = await client.chat.completions.create(ask('legal', 'still there?'));
    expect(ok.choices[0]?.message.content).toBeTruthy();
  });
});

describe('gateway: metrics', () => {
  it('exposes per route, release and arm series, the rollout weight and the trace drops', async () => {
    routes.set(entry('split', 25, 'rollout-c'));
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain(
      `sluice_gateway_requests_total{route="legal",release="${legal.stable.id}",arm="stable",status="200"}`,
    );
    expect(text).toMatch(
      /sluice_gateway_errors_total\{route="flaky",release="sha256:[0-9a-f]{64}",arm="stable",code="upstream_status"\} 2/,
    );
    expect(text).toContain('sluice_gateway_errors_total{route="",release="",arm="",code="model_not_found"} 1');
    expect(text).toMatch(/sluice_gateway_request_duration_seconds_bucket\{le="0\.5",route="legal"/);
    expect(text).toMatch(
      /sluice_gateway_tokens_total\{route="legal",release="sha256:[0-9a-f]+",arm="stable",kind="completion"\} \d+/,
    );
    expect(text).toContain('sluice_gateway_cost_usd_total');
    expect(text).toContain('sluice_gateway_rollout_weight{route="split",rollout="rollout-c"} 25');
    expect(text).toContain('sluice_gateway_trace_queue_dropped_total 0');
  });
});
