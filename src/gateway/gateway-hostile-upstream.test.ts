import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hang, openSse, sendJson, startWireServer, type WireServer } from '../providers/test-support/wire-server.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import { createGateway, type Gateway } from './gateway.js';
import { MemoryRouteTable, type RouteEntry } from './routing/route-table.js';
import { registry, servingRelease, startUpstream } from './test-support/gateway-fixture.js';
import type { SimServer } from '../providers/sim/sim-server.js';

// An upstream that answers what a hostile or broken server would: the gateway must answer its
// client with a clean OpenAI-style error, count it, and keep serving everyone else.

let upstream: SimServer;
let wire: WireServer;
let providers: ProviderRegistry;
let gateway: Gateway;
let base: string;

const BAD_USAGE = { prompt_tokens: -1e308, completion_tokens: 7, total_tokens: 18 };

const chunk = (model: string, delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 0,
  model,
  choices: [{ index: 0, delta, finish_reason: null }],
  ...extra,
});

const route = (name: string, model: string, provider: string): RouteEntry => ({
  route: name,
  rolloutId: null,
  stable: servingRelease(name, model, provider),
  candidate: null,
  weight: 0,
});

beforeAll(async () => {
  upstream = await startUpstream(30_000);
  wire = await startWireServer((req, res) => {
    const model = String((req.body as { model?: string } | undefined)?.model);
    if (model === 'bad-usage' || model === 'fraction-usage') {
      const usage = model === 'bad-usage' ? BAD_USAGE : { prompt_tokens: 1.5, completion_tokens: 2 };
      if ((req.body as { stream?: boolean }).stream === true) {
        const send = openSse(res);
        send(chunk(model, { role: 'assistant', content: 'hello' }));
        send({ ...chunk(model, {}), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
        send({ ...chunk(model, {}), choices: [], usage });
        send('[DONE]');
        return res.end();
      }
      return sendJson(res, 200, {
        id: 'x',
        object: 'chat.completion',
        created: 0,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
        usage,
      });
    }
    if (model === 'endless-line') {
      // One `data:` line that never ends: 4 MiB in 16 KiB writes.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"index":0,"delta":{"content":"');
      const piece = 'x'.repeat(16 * 1024);
      for (let i = 0; i < 256 && !res.destroyed; i++) res.write(piece);
      return hang();
    }
    if (model === 'huge-body') {
      const content = 'y'.repeat(2 * 1024 * 1024);
      return sendJson(res, 200, {
        id: 'x',
        object: 'chat.completion',
        created: 0,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      });
    }
    if (model === 'long-answer') {
      // Well-formed events, but the answer never stops (an upstream ignoring max_tokens).
      const send = openSse(res);
      send(chunk(model, { role: 'assistant', content: '' }));
      for (let i = 0; i < 2000 && !res.destroyed; i++) send(chunk(model, { content: 'words words ' }));
      return hang();
    }
    if (model === 'slow-drip') {
      // A first word, then a keep-alive comment every 20 ms, forever: never idle, never done.
      const send = openSse(res);
      send(chunk(model, { role: 'assistant', content: 'thinking' }));
      const timer = setInterval(() => res.write(': still here\n\n'), 20);
      res.on('close', () => clearInterval(timer));
      return undefined;
    }
    return sendJson(res, 500, { error: { message: 'unknown model' } });
  });
  providers = registry(upstream.url, {
    wire: { base_url: `${wire.url}/v1`, timeout_ms: 20_000 },
    // The same upstream behind tight limits.
    tight: {
      base_url: `${wire.url}/v1`,
      timeout_ms: 20_000,
      max_sse_line_bytes: 64 * 1024,
      max_response_bytes: 1024 * 1024,
      max_output_chars: 1000,
      stream_deadline_ms: 500,
    },
  });
  const routes = new MemoryRouteTable([
    route('legal', 'legal-v1', 'up'),
    route('bad-usage', 'bad-usage', 'wire'),
    route('fraction-usage', 'fraction-usage', 'wire'),
    route('endless-line', 'endless-line', 'tight'),
    route('huge-body', 'huge-body', 'tight'),
    route('long-answer', 'long-answer', 'tight'),
    route('slow-drip', 'slow-drip', 'tight'),
  ]);
  gateway = createGateway({ routes, providers });
  base = (await gateway.listen()).url;
});

afterAll(async () => {
  await gateway.close();
  await providers.close();
  await upstream.close();
  await wire.close();
});

async function post(model: string, stream = false): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
      messages: [{ role: 'user', content: 'Hi' }],
    }),
  });
  return { status: res.status, text: await res.text() };
}

/** The value of one series in the gateway's /metrics text (0 when absent). */
async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

describe('gateway: upstream usage is checked before it is counted', () => {
  it('answers a negative or fractional token count as a malformed answer (502) and leaves the token counters alone', async () => {
    for (const model of ['bad-usage', 'fraction-usage']) {
      const r = await post(model);
      expect(r.status).toBe(502);
      expect(JSON.parse(r.text)).toMatchObject({ error: { type: 'upstream_error', code: 'upstream_malformed' } });
      expect(r.text).toContain('usage prompt_tokens is not a non-negative integer');
    }
    // Streamed: the answer breaks off with an error event once the bad usage arrives.
    const s = await post('bad-usage', true);
    expect(s.status).toBe(200);
    expect(s.text).toContain('upstream_malformed');
    expect(await metric('sluice_gateway_tokens_total', { route: 'bad-usage' })).toBe(0);
    expect(await metric('sluice_gateway_tokens_total', { route: 'fraction-usage' })).toBe(0);
    expect(await metric('sluice_gateway_errors_total', { route: 'bad-usage', code: 'upstream_malformed' })).toBe(2);
    // Everyone else is still served and counted.
    expect((await post('legal')).status).toBe(200);
    expect(await metric('sluice_gateway_tokens_total', { route: 'legal' })).toBeGreaterThan(0);
  });
});

describe('gateway: an upstream that sends without end', () => {
  it('ends a stream whose event line passes max_sse_line_bytes: a clean 502 before anything was sent', async () => {
    const r = await post('endless-line', true);
    expect(r.status).toBe(502);
    expect(JSON.parse(r.text)).toMatchObject({ error: { type: 'upstream_error', code: 'upstream_too_large' } });
    expect(r.text).toContain('longer than 65536 bytes');
  });

  it('refuses an answer body past max_response_bytes', async () => {
    const r = await post('huge-body');
    expect(r.status).toBe(502);
    expect(JSON.parse(r.text)).toMatchObject({ error: { code: 'upstream_too_large' } });
    expect(r.text).toContain('larger than 1048576 bytes');
  });

  it('cuts a streamed answer past max_output_chars with an error event', async () => {
    const r = await post('long-answer', true);
    expect(r.status).toBe(200);
    expect(r.text).toContain('"code":"upstream_too_large"');
    expect(r.text).toContain('longer than 1000 characters');
    expect(r.text).not.toContain('[DONE]');
  });

  it('ends a stream that outlives stream_deadline_ms, though bytes keep coming', async () => {
    const r = await post('slow-drip', true);
    expect(r.status).toBe(200);
    expect(r.text).toContain('thinking');
    expect(r.text).toContain('"code":"upstream_timeout"');
    expect(r.text).toContain('500 ms deadline');
  });

  it('counts each of them, and serves everyone else meanwhile', async () => {
    expect((await post('legal')).status).toBe(200);
    for (const route of ['endless-line', 'huge-body', 'long-answer'])
      expect(await metric('sluice_gateway_errors_total', { route, code: 'upstream_too_large' })).toBe(1);
    expect(await metric('sluice_gateway_errors_total', { route: 'slow-drip', code: 'upstream_timeout' })).toBe(1);
  });
});
