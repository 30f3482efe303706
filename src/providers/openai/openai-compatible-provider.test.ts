import { afterEach, describe, expect, it } from 'vitest';
import type { ChatChunk, ChatRequest, ProviderError } from '../model-provider.js';
import { OpenAiCompatibleProvider } from './openai-compatible-provider.js';
import { collect, recordingClock, rejectsWithKind } from '../test-support/recording-clock.js';
import {
  hang,
  openSse,
  sendJson,
  startWireServer,
  type Handler,
  type WireServer,
} from '../test-support/wire-server.js';

const completion = (text: string) => ({
  id: 'c1',
  object: 'chat.completion',
  model: 'served-model',
  choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
});

const request: ChatRequest = {
  model: 'm1',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hello?' },
  ],
  params: { temperature: 0, max_tokens: 50 },
};

let server: WireServer | undefined;
let provider: OpenAiCompatibleProvider | undefined;
const clock = recordingClock();

async function setup(
  handler: Handler,
  opts: { timeoutMs?: number; retries?: number; maxConcurrency?: number; apiKey?: string } = {},
) {
  clock.delays.length = 0;
  server = await startWireServer(handler);
  provider = new OpenAiCompatibleProvider({ name: 'up', baseUrl: `${server.url}/v1`, clock, retries: 2, ...opts });
  return { server, provider };
}

afterEach(async () => {
  await provider?.close();
  await server?.close();
  provider = undefined;
  server = undefined;
});

function chunk(content: string | null, finish: string | null = null) {
  return {
    id: 'c1',
    object: 'chat.completion.chunk',
    model: 'served-model',
    choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
  };
}

describe('OpenAiCompatibleProvider', () => {
  it('sends the OpenAI body, key, and caller headers; maps the answer', async () => {
    const { server: s, provider: p } = await setup((_r, res) => sendJson(res, 200, completion('Hi there.')), {
      apiKey: 'sk-test',
    });
    const out = await p.chat({ ...request, json: true, headers: { 'x-sluice-shadow': '1' } });
    expect(out).toEqual({
      text: 'Hi there.',
      finishReason: 'stop',
      usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
      model: 'served-model',
    });
    const r = s.received[0]!;
    expect(r.url).toBe('/v1/chat/completions');
    expect(r.headers.authorization).toBe('Bearer sk-test');
    expect(r.headers['x-sluice-shadow']).toBe('1');
    expect(r.body).toEqual({
      model: 'm1',
      messages: request.messages,
      temperature: 0,
      max_tokens: 50,
      response_format: { type: 'json_object' },
    });
  });

  it('streams deltas and ends with the finish reason and usage', async () => {
    const { server: s, provider: p } = await setup((_r, res) => {
      const send = openSse(res);
      send(chunk('Hel'));
      send(chunk('lo'));
      send(chunk(null, 'stop'));
      send({
        id: 'c1',
        object: 'chat.completion.chunk',
        choices: [],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
      });
      send('[DONE]');
      res.end();
    });
    const chunks = await collect(p.chatStream(request));
    expect(chunks.map((c) => c.delta).join('')).toBe('Hello');
    expect(chunks.at(-1)).toEqual({
      delta: '',
      finishReason: 'stop',
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
    const body = s.received[0]!.body as Record<string, unknown>;
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it('accepts a stream without usage that ends with a finish reason but no [DONE]', async () => {
    const { provider: p } = await setup((_r, res) => {
      const send = openSse(res);
      send(chunk('ok', 'length'));
      res.end();
    });
    const chunks: ChatChunk[] = await collect(p.chatStream(request));
    expect(chunks).toEqual([{ delta: 'ok' }, { delta: '', finishReason: 'length' }]);
  });

  it('turns an error body into upstream_status without retrying a 400', async () => {
    const { server: s, provider: p } = await setup((_r, res) =>
      sendJson(res, 400, { error: { message: 'max_tokens is too large', type: 'invalid_request_error', code: null } }),
    );
    const err = await rejectsWithKind<ProviderError>(p.chat(request), 'upstream_status');
    expect(err.status).toBe(400);
    expect(err.message).toContain('max_tokens is too large');
    expect(s.received).toHaveLength(1);
  });

  it('retries a 429 after the Retry-After seconds, then succeeds', async () => {
    const { server: s, provider: p } = await setup((_r, res, n) =>
      n === 1
        ? sendJson(res, 429, { error: { message: 'slow down', type: 'rate_limit' } }, { 'retry-after': '2' })
        : sendJson(res, 200, completion('ok')),
    );
    expect((await p.chat(request)).text).toBe('ok');
    expect(s.received).toHaveLength(2);
    expect(clock.delays).toEqual([2000]);
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const when = new Date(Date.now() + 3_000).toUTCString();
    const { provider: p } = await setup((_r, res, n) =>
      n === 1
        ? sendJson(res, 503, { error: { message: 'busy' } }, { 'retry-after': when })
        : sendJson(res, 200, completion('ok')),
    );
    await p.chat(request);
    expect(clock.delays).toHaveLength(1);
    expect(clock.delays[0]).toBeGreaterThan(1_000);
    expect(clock.delays[0]).toBeLessThanOrEqual(3_000);
  });

  it('reports rate_limited when 429 outlasts the retries', async () => {
    const { server: s, provider: p } = await setup((_r, res) => sendJson(res, 429, { error: { message: 'quota' } }));
    const err = await rejectsWithKind<ProviderError>(p.chat(request), 'rate_limited');
    expect(err.status).toBe(429);
    expect(s.received).toHaveLength(3);
  });

  it('retries 5xx with jittered exponential backoff', async () => {
    const { server: s, provider: p } = await setup((_r, res, n) =>
      n < 3 ? sendJson(res, 502, { error: { message: 'bad gateway' } }) : sendJson(res, 200, completion('ok')),
    );
    expect((await p.chat(request)).text).toBe('ok');
    expect(s.received).toHaveLength(3);
    expect(clock.delays).toHaveLength(2);
    expect(clock.delays[0]).toBeLessThan(250);
    expect(clock.delays[1]).toBeLessThan(500);
  });

  it('gives up on 5xx after the retries with upstream_status', async () => {
    const { server: s, provider: p } = await setup((_r, res) => sendJson(res, 500, { error: { message: 'boom' } }), {
      retries: 1,
    });
    const err = await rejectsWithKind<ProviderError>(p.chat(request), 'upstream_status');
    expect(err.status).toBe(500);
    expect(s.received).toHaveLength(2);
  });

  it('times out a silent upstream and does not retry it', async () => {
    const { server: s, provider: p } = await setup(hang, { timeoutMs: 80 });
    await rejectsWithKind(p.chat(request), 'timeout');
    expect(s.received).toHaveLength(1);
    await s.received[0]!.closed;
  });

  it('retries a reset connection', async () => {
    const { server: s, provider: p } = await setup((_r, res, n) =>
      n === 1 ? res.socket?.destroy() : sendJson(res, 200, completion('ok')),
    );
    expect((await p.chat(request)).text).toBe('ok');
    expect(s.received).toHaveLength(2);
  });

  it('reports connection after resets outlast the retries', async () => {
    const { provider: p } = await setup((_r, res) => res.socket?.destroy());
    await rejectsWithKind(p.chat(request), 'connection');
  });

  it('reports connection when nothing listens', async () => {
    const { server: s } = await setup(hang);
    await s.close();
    const p = new OpenAiCompatibleProvider({ name: 'gone', baseUrl: `${s.url}/v1`, clock, retries: 1 });
    await rejectsWithKind(p.chat(request), 'connection');
    await p.close();
  });

  it('calls a body that is not JSON, or has no choices, malformed', async () => {
    const { provider: p } = await setup((_r, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"choices": [');
      } else sendJson(res, 200, { id: 'x', usage: {} });
    });
    await rejectsWithKind(p.chat(request), 'malformed');
    await rejectsWithKind(p.chat(request), 'malformed');
  });

  it('calls a stream that ends before [DONE] stream_cut', async () => {
    const { provider: p } = await setup((_r, res) => {
      const send = openSse(res);
      send(chunk('partial'));
      res.end();
    });
    const got: string[] = [];
    const err = await rejectsWithKind(
      (async () => {
        for await (const c of p.chatStream(request)) got.push(c.delta);
      })(),
      'stream_cut',
    );
    expect(err).toBeDefined();
    expect(got).toEqual(['partial']);
  });

  it('calls a stream whose connection drops mid-event stream_cut', async () => {
    const { provider: p } = await setup((_r, res) => {
      openSse(res)(chunk('partial'));
      res.write('data: {"choi');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    await rejectsWithKind(collect(p.chatStream(request)), 'stream_cut');
  });

  it('cancels the upstream request when the caller aborts', async () => {
    const { server: s, provider: p } = await setup(hang);
    const ac = new AbortController();
    const call = p.chat({ ...request, signal: ac.signal });
    while (s.received.length === 0) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await rejectsWithKind(call, 'aborted');
    await s.received[0]!.closed;
    expect(s.received[0]!.finished()).toBe(false);
  });

  it('cancels a stream mid-way when the caller aborts', async () => {
    const { server: s, provider: p } = await setup((_r, res) => openSse(res)(chunk('first')));
    const ac = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const c of p.chatStream({ ...request, signal: ac.signal })) {
        seen.push(c.delta);
        ac.abort();
      }
    })();
    await rejectsWithKind(run, 'aborted');
    expect(seen).toEqual(['first']);
    await s.received[0]!.closed;
  });

  it('never retries once the caller has aborted, even while waiting to retry', async () => {
    const { server: s } = await setup((_r, res) =>
      sendJson(res, 503, { error: { message: 'busy' } }, { 'retry-after': '5' }),
    );
    const p = new OpenAiCompatibleProvider({ name: 'up', baseUrl: `${s.url}/v1`, retries: 3 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await rejectsWithKind(p.chat({ ...request, signal: ac.signal }), 'aborted');
    await new Promise((r) => setTimeout(r, 20));
    expect(s.received).toHaveLength(1);
    await p.close();
  });

  it("times out a stream that goes silent mid-way, counting only the upstream's silence", async () => {
    const { provider: p } = await setup((_r, res) => openSse(res)(chunk('first')), { timeoutMs: 80 });
    const seen: string[] = [];
    await rejectsWithKind(
      (async () => {
        for await (const c of p.chatStream(request)) seen.push(c.delta);
      })(),
      'timeout',
    );
    expect(seen).toEqual(['first']);
  });

  it('never times out a slow reader of an upstream that keeps sending', async () => {
    const { provider: p } = await setup(
      (_r, res) => {
        const send = openSse(res);
        let n = 0;
        const timer = setInterval(() => {
          send(chunk(`t${n++}`));
          if (n === 6) {
            clearInterval(timer);
            send(chunk(null, 'stop'));
            res.end('data: [DONE]\n\n');
          }
        }, 20);
      },
      { timeoutMs: 60 },
    );
    const seen: string[] = [];
    for await (const c of p.chatStream(request)) {
      seen.push(c.delta);
      await new Promise((r) => setTimeout(r, 90)); // longer than the timeout, each time
    }
    expect(seen.join('')).toBe('t0t1t2t3t4t5');
  });

  it('keeps at most max_concurrency calls in flight', async () => {
    const { server: s, provider: p } = await setup(
      (_r, res) => setTimeout(() => sendJson(res, 200, completion('ok')), 30),
      { maxConcurrency: 2 },
    );
    await Promise.all(Array.from({ length: 6 }, () => p.chat(request)));
    expect(s.received).toHaveLength(6);
    expect(s.maxInFlight()).toBe(2);
  });

  it('embeds through /embeddings in input order', async () => {
    const { server: s, provider: p } = await setup((_r, res) =>
      sendJson(res, 200, {
        object: 'list',
        data: [
          { index: 1, embedding: [0, 1] },
          { index: 0, embedding: [1, 0] },
        ],
        model: 'e',
      }),
    );
    expect(await p.embed('e', ['a', 'b'])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(s.received[0]!.url).toBe('/v1/embeddings');
    expect(s.received[0]!.body).toEqual({ model: 'e', input: ['a', 'b'], encoding_format: 'float' });
  });
});
