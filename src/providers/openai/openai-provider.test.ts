import { afterEach, describe, expect, it } from 'vitest';
import { OPENAI_BASE_URL, openAiProvider } from './openai-provider.js';
import type { OpenAiCompatibleProvider } from './openai-compatible-provider.js';
import { openAiFixture } from '../test-support/wire-fixtures.js';
import { sendJson, startWireServer, type WireServer } from '../test-support/wire-server.js';

let server: WireServer | undefined;
let provider: OpenAiCompatibleProvider | undefined;
afterEach(async () => {
  await provider?.close();
  await server?.close();
});

describe('openAiProvider', () => {
  it('sends max_completion_tokens and the bearer key', async () => {
    server = await startWireServer((_r, res) => sendJson(res, 200, openAiFixture.answer('ok')));
    provider = openAiProvider({ name: 'openai', baseUrl: `${server.url}/v1`, apiKey: 'sk-9' });
    expect(provider.kind).toBe('openai');
    await provider.chat({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }], params: { max_tokens: 33 } });
    const r = server.received[0]!;
    expect(r.url).toBe('/v1/chat/completions');
    expect(r.headers.authorization).toBe('Bearer sk-9');
    expect(r.body).toMatchObject({ max_completion_tokens: 33 });
    expect(r.body).not.toHaveProperty('max_tokens');
  });

  it('needs an API key and defaults to the public endpoint', () => {
    expect(() => openAiProvider({ name: 'openai' })).toThrow(expect.objectContaining({ kind: 'config' }));
    expect(OPENAI_BASE_URL).toBe('https://api.openai.com/v1');
  });
});
