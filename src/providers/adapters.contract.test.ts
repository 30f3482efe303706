import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRequest, ModelProvider, ProviderError } from './model-provider.js';
import { collect, recordingClock, rejectsWithKind } from './test-support/recording-clock.js';
import { WIRE_FIXTURES, type SseFrame } from './test-support/wire-fixtures.js';
import { hang, sendJson, startWireServer, type Handler, type WireServer } from './test-support/wire-server.js';

const request: ChatRequest = { model: 'm1', messages: [{ role: 'user', content: 'Hi' }], params: {} };

function writeFrames(res: ServerResponse, frames: readonly SseFrame[], end = true): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const f of frames)
    res.write(
      `${f.event ? `event: ${f.event}\n` : ''}data: ${typeof f.data === 'string' ? f.data : JSON.stringify(f.data)}\n\n`,
    );
  if (end) res.end();
}

describe.each(WIRE_FIXTURES)('$wire adapter (shared behaviour)', (fx) => {
  let server: WireServer | undefined;
  let provider: ModelProvider | undefined;
  const clock = recordingClock();

  async function setup(handler: Handler, opts: { timeoutMs?: number; retries?: number } = {}) {
    clock.delays.length = 0;
    server = await startWireServer(handler);
    provider = fx.make(server.url, { clock, retries: 2, ...opts });
    return { s: server, p: provider };
  }

  afterEach(async () => {
    await provider?.close();
    await server?.close();
  });

  it('answers without streaming', async () => {
    const { p } = await setup((_r, res) => sendJson(res, 200, fx.answer('four words right here')));
    const out = await p.chat(request);
    expect(out.text).toBe('four words right here');
    expect(out.finishReason).toBe('stop');
    expect(out.usage.total_tokens).toBeGreaterThan(0);
  });

  it('streams the deltas, then a closing chunk with the finish reason and usage', async () => {
    const { p } = await setup((_r, res) => writeFrames(res, fx.stream(['Hel', 'lo', ' there'])));
    const chunks = await collect(p.chatStream(request));
    expect(chunks.map((c) => c.delta).join('')).toBe('Hello there');
    const last = chunks.at(-1)!;
    expect(last.finishReason).toBe('stop');
    if (fx.wire !== 'openai-compatible') expect(last.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('maps an error body to upstream_status with its message', async () => {
    const { s, p } = await setup((_r, res) => sendJson(res, 400, fx.error(400, 'bad field "x"')));
    const err = await rejectsWithKind<ProviderError>(p.chat(request), 'upstream_status');
    expect(err.message).toContain('bad field "x"');
    expect(err.status).toBe(400);
    expect(s.received).toHaveLength(1);
  });

  it('retries a 429 after Retry-After, then succeeds', async () => {
    const { s, p } = await setup((_r, res, n) =>
      n === 1
        ? sendJson(res, 429, fx.error(429, 'slow down'), { 'retry-after': '1' })
        : sendJson(res, 200, fx.answer('ok')),
    );
    expect((await p.chat(request)).text).toBe('ok');
    expect(s.received).toHaveLength(2);
    expect(clock.delays).toEqual([1000]);
  });

  it('retries a 5xx, then succeeds', async () => {
    const { s, p } = await setup((_r, res, n) =>
      n === 1 ? sendJson(res, 503, fx.error(503, 'overloaded')) : sendJson(res, 200, fx.answer('ok')),
    );
    expect((await p.chat(request)).text).toBe('ok');
    expect(s.received).toHaveLength(2);
  });

  it('times out', async () => {
    const { p } = await setup(hang, { timeoutMs: 60 });
    await rejectsWithKind(p.chat(request), 'timeout');
  });

  it('retries a reset connection', async () => {
    const { s, p } = await setup((_r, res, n) =>
      n === 1 ? res.socket?.destroy() : sendJson(res, 200, fx.answer('ok')),
    );
    expect((await p.chat(request)).text).toBe('ok');
    expect(s.received).toHaveLength(2);
  });

  it('calls a non-JSON body malformed', async () => {
    const { p } = await setup((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>oops</html>');
    });
    await rejectsWithKind(p.chat(request), 'malformed');
  });

  it('calls a cut stream stream_cut', async () => {
    const { p } = await setup((_r, res) => writeFrames(res, fx.cut(['a', 'b'])));
    await rejectsWithKind(collect(p.chatStream(request)), 'stream_cut');
  });

  it('closes the upstream connection when the caller aborts mid-stream', async () => {
    const { s, p } = await setup((_r, res) => writeFrames(res, fx.cut(['first']), false));
    const ac = new AbortController();
    const run = (async () => {
      for await (const c of p.chatStream({ ...request, signal: ac.signal })) if (c.delta) ac.abort();
    })();
    await rejectsWithKind(run, 'aborted');
    await s.received[0]!.closed;
    expect(s.received[0]!.finished()).toBe(false);
  });
});
