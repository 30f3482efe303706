import { afterEach, describe, expect, it } from 'vitest';
import { GeminiProvider } from './gemini-provider.js';
import type { ChatRequest, ProviderError } from '../model-provider.js';
import { collect, rejectsWithKind } from '../test-support/recording-clock.js';
import { geminiFixture } from '../test-support/wire-fixtures.js';
import { openSse, sendJson, startWireServer, type WireServer } from '../test-support/wire-server.js';

const request: ChatRequest = {
  model: 'gemini-x',
  messages: [
    { role: 'system', content: 'Answer in French.' },
    { role: 'user', content: 'Hello' },
    { role: 'assistant', content: 'Bonjour' },
    { role: 'user', content: 'Bye' },
  ],
  params: { temperature: 0, top_p: 0.5, max_tokens: 64, stop: ['\n\n'] },
};

let server: WireServer | undefined;
let provider: GeminiProvider | undefined;
afterEach(async () => {
  await provider?.close();
  await server?.close();
});

describe('GeminiProvider', () => {
  it('sends contents with user/model roles, systemInstruction and generationConfig', async () => {
    server = await startWireServer((_r, res) => sendJson(res, 200, geminiFixture.answer('Au revoir')));
    provider = new GeminiProvider({ name: 'gem', baseUrl: server.url, apiKey: 'k/1' });
    const out = await provider.chat({ ...request, json: true, headers: { 'x-sluice-slice': 'fr' } });
    expect(out).toEqual({
      text: 'Au revoir',
      finishReason: 'stop',
      usage: { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 },
      model: 'gemini-x',
    });
    const r = server.received[0]!;
    expect(r.url).toBe('/v1beta/models/gemini-x:generateContent?key=k%2F1');
    expect(r.headers['x-sluice-slice']).toBe('fr');
    expect(r.body).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Hello' }] },
        { role: 'model', parts: [{ text: 'Bonjour' }] },
        { role: 'user', parts: [{ text: 'Bye' }] },
      ],
      systemInstruction: { parts: [{ text: 'Answer in French.' }] },
      generationConfig: {
        temperature: 0,
        topP: 0.5,
        maxOutputTokens: 64,
        stopSequences: ['\n\n'],
        responseMimeType: 'application/json',
      },
    });
  });

  it('streams from :streamGenerateContent?alt=sse and maps usageMetadata and MAX_TOKENS', async () => {
    server = await startWireServer((_r, res) => {
      const send = openSse(res);
      send({ candidates: [{ content: { parts: [{ text: 'Au ' }] } }] });
      send({
        candidates: [{ content: { parts: [{ text: 'revoir' }] }, finishReason: 'MAX_TOKENS' }],
        usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 2, totalTokenCount: 9 },
      });
      res.end();
    });
    provider = new GeminiProvider({ name: 'gem', baseUrl: server.url, apiKey: 'k' });
    const chunks = await collect(provider.chatStream(request));
    expect(chunks).toEqual([
      { delta: 'Au ' },
      { delta: 'revoir' },
      { delta: '', finishReason: 'length', usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } },
    ]);
    expect(server.received[0]!.url).toBe('/v1beta/models/gemini-x:streamGenerateContent?alt=sse&key=k');
  });

  it('maps the error status and keeps the key out of the message', async () => {
    server = await startWireServer((_r, res) =>
      sendJson(res, 403, { error: { code: 403, message: 'API key not valid', status: 'PERMISSION_DENIED' } }),
    );
    provider = new GeminiProvider({ name: 'gem', baseUrl: server.url, apiKey: 'secret-key' });
    const err = await rejectsWithKind<ProviderError>(provider.chat(request), 'upstream_status');
    expect(err.message).toContain('API key not valid (PERMISSION_DENIED)');
    expect(err.message).not.toContain('secret-key');
  });

  it('reads a blocked prompt as an empty filtered answer', async () => {
    server = await startWireServer((_r, res) =>
      sendJson(res, 200, {
        promptFeedback: { blockReason: 'SAFETY' },
        usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 },
      }),
    );
    provider = new GeminiProvider({ name: 'gem', baseUrl: server.url, apiKey: 'k' });
    expect(await provider.chat(request)).toMatchObject({ text: '', finishReason: 'content_filter' });
  });

  it('needs an API key', () => {
    expect(() => new GeminiProvider({ name: 'gem' })).toThrow(expect.objectContaining({ kind: 'config' }));
  });
});
