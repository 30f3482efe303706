import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicProvider } from './anthropic-provider.js';
import type { ChatRequest, ProviderError } from '../model-provider.js';
import { collect, recordingClock, rejectsWithKind } from '../test-support/recording-clock.js';
import { anthropicFixture } from '../test-support/wire-fixtures.js';
import { openSse, sendJson, startWireServer, type WireServer } from '../test-support/wire-server.js';

const request: ChatRequest = {
  model: 'claude-x',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Q1' },
    { role: 'assistant', content: 'A1' },
    { role: 'user', content: [{ type: 'text', text: 'Q2' }] },
  ],
  params: { temperature: 0.2, top_p: 0.9, stop: ['END'], seed: 4 },
};

let server: WireServer | undefined;
let provider: AnthropicProvider | undefined;
afterEach(async () => {
  await provider?.close();
  await server?.close();
});

describe('AnthropicProvider', () => {
  it('puts the system prompt on top, sets max_tokens, and sends the key and version', async () => {
    server = await startWireServer((_r, res) =>
      sendJson(res, 200, {
        ...(anthropicFixture.answer('A2') as object),
        stop_reason: 'max_tokens',
        usage: { input_tokens: 20, output_tokens: 5, cache_read_input_tokens: 4 },
      }),
    );
    provider = new AnthropicProvider({ name: 'claude', baseUrl: server.url, apiKey: 'ak-1' });
    const out = await provider.chat({ ...request, json: true });
    expect(out).toEqual({
      text: 'A2',
      finishReason: 'length',
      usage: { prompt_tokens: 24, completion_tokens: 5, total_tokens: 29 },
      model: 'claude-x',
    });
    const r = server.received[0]!;
    expect(r.url).toBe('/v1/messages');
    expect(r.headers['x-api-key']).toBe('ak-1');
    expect(r.headers['anthropic-version']).toBe('2023-06-01');
    expect(r.headers.authorization).toBeUndefined();
    expect(r.body).toEqual({
      model: 'claude-x',
      system: 'You are terse.\n\nReply with a single JSON object and nothing else.',
      messages: [
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: 'A1' },
        { role: 'user', content: 'Q2' },
      ],
      max_tokens: 1024,
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
    });
  });

  it('adds input tokens from message_start to the streamed usage', async () => {
    server = await startWireServer((_r, res) => {
      const send = openSse(res);
      for (const f of anthropicFixture.stream(['x', 'y'])) send(f.data, f.event);
      res.end();
    });
    provider = new AnthropicProvider({ name: 'claude', baseUrl: server.url, apiKey: 'ak-1' });
    const chunks = await collect(provider.chatStream({ ...request, params: { max_tokens: 10 } }));
    expect(chunks.at(-1)).toEqual({
      delta: '',
      finishReason: 'stop',
      usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 },
    });
    expect((server.received[0]!.body as { max_tokens: number; stream: boolean }).max_tokens).toBe(10);
  });

  it('turns an error event inside the stream into upstream_status', async () => {
    server = await startWireServer((_r, res) => {
      const send = openSse(res);
      send({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error');
      res.end();
    });
    provider = new AnthropicProvider({ name: 'claude', baseUrl: server.url, apiKey: 'ak-1' });
    const err = await rejectsWithKind<ProviderError>(collect(provider.chatStream(request)), 'upstream_status');
    expect(err.message).toContain('overloaded_error');
  });

  it('retries 529 overloaded', async () => {
    server = await startWireServer((_r, res, n) =>
      n === 1
        ? sendJson(res, 529, anthropicFixture.error(529, 'Overloaded'))
        : sendJson(res, 200, anthropicFixture.answer('ok')),
    );
    provider = new AnthropicProvider({ name: 'claude', baseUrl: server.url, apiKey: 'ak-1', clock: recordingClock() });
    expect((await provider.chat(request)).text).toBe('ok');
  });

  it('needs an API key', () => {
    expect(() => new AnthropicProvider({ name: 'claude' })).toThrow(expect.objectContaining({ kind: 'config' }));
  });
});
