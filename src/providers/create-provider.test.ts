import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { providerSchema, type ProviderConfig } from '../config/sluice-schema.js';
import { isSluiceError } from '../kernel/errors.js';
import { createProvider } from './create-provider.js';
import { ProviderError, type ChatRequest } from './model-provider.js';
import { FakeClock, flush } from './test-support/fake-clock.js';
import { openAiFixture } from './test-support/wire-fixtures.js';
import { sendJson, startWireServer } from './test-support/wire-server.js';
import { tempDir } from '../kernel/test-support/temp-dir.js';

const dir = tempDir('sluice-providers-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cfg = (v: Record<string, unknown>): ProviderConfig => providerSchema.parse(v);
const hello: ChatRequest = {
  model: 'helpful-v1',
  messages: [{ role: 'user', content: 'Hello' }],
  params: { max_tokens: 20 },
};

function configError(f: () => unknown): ProviderError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).kind).toBe('config');
    expect(isSluiceError(e) && e.code).toBe('bad_input');
    return e as ProviderError;
  }
  throw new Error('expected a config error');
}

describe('createProvider', () => {
  it('chooses the adapter by kind', async () => {
    const env = { OPENAI_API_KEY: 'o', ANTHROPIC_API_KEY: 'a', MY_GEMINI: 'g' };
    const opts = { projectDir: dir, env };
    const kinds = [
      createProvider('u', cfg({ kind: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1' }), opts),
      createProvider('o', cfg({ kind: 'openai' }), opts),
      createProvider('a', cfg({ kind: 'anthropic' }), opts),
      createProvider('g', cfg({ kind: 'gemini', api_key_env: 'MY_GEMINI' }), opts),
      createProvider('s', cfg({ kind: 'sim', seed: 7 }), opts),
    ];
    expect(kinds.map((p) => [p.name, p.kind])).toEqual([
      ['u', 'openai-compatible'],
      ['o', 'openai'],
      ['a', 'anthropic'],
      ['g', 'gemini'],
      ['s', 'sim'],
    ]);
    await Promise.all(kinds.map((p) => p.close()));
  });

  it('refuses a missing key or base URL before any call', () => {
    expect(
      configError(() => createProvider('a', cfg({ kind: 'anthropic' }), { projectDir: dir, env: {} })).message,
    ).toContain('ANTHROPIC_API_KEY');
    expect(
      configError(() => createProvider('g', cfg({ kind: 'gemini', api_key_env: 'NOPE' }), { projectDir: dir, env: {} }))
        .message,
    ).toContain('NOPE');
    configError(() =>
      createProvider('u', cfg({ kind: 'openai-compatible', base_url: 'http://x/v1', api_key_env: 'K' }), {
        projectDir: dir,
        env: {},
      }),
    );
    configError(() => createProvider('u', cfg({ kind: 'openai-compatible' }), { projectDir: dir, env: {} }));
  });

  it('sends the key named by api_key_env to an openai-compatible server', async () => {
    const server = await startWireServer((_r, res) => sendJson(res, 200, openAiFixture.answer('hi')));
    const p = createProvider(
      'u',
      cfg({ kind: 'openai-compatible', base_url: `${server.url}/v1`, api_key_env: 'UPSTREAM_KEY' }),
      { projectDir: dir, env: { UPSTREAM_KEY: 'k-1' } },
    );
    expect((await p.chat(hello)).text).toBe('hi');
    expect(server.received[0]!.headers.authorization).toBe('Bearer k-1');
    await p.close();
    await server.close();
  });

  it('builds a sim from the models file relative to the project, with its seed', async () => {
    writeFileSync(
      join(dir, 'sim.yaml'),
      'models:\n  helpful-v1: { quality: 0.9, latency_ms: { median: 5000, p95: 6000 } }\n',
    );
    const config = cfg({ kind: 'sim', models: 'sim.yaml', seed: 3 });
    const a = createProvider('s', config, { projectDir: dir, env: {}, simTimeScale: 0 });
    const b = createProvider('s', config, { projectDir: dir, env: {}, simTimeScale: 0 });
    expect((await a.chat(hello)).text).toBe((await b.chat(hello)).text);
    await expect(a.chat({ ...hello, model: 'other' })).rejects.toMatchObject({ kind: 'upstream_status', status: 404 });
  });

  it('wraps a provider with rate limits when it has them', async () => {
    const clock = new FakeClock();
    const p = createProvider('s', cfg({ kind: 'sim', requests_per_minute: 1 }), {
      projectDir: dir,
      env: {},
      simTimeScale: 0,
      clock,
    });
    expect(p.kind).toBe('sim');
    await p.chat(hello);
    let second = false;
    void p.chat(hello).then(() => (second = true));
    await flush();
    expect(second).toBe(false);
    await clock.advance(60_000);
    await flush();
    expect(second).toBe(true);
    expect(typeof p.embed).toBe('function');
  });
});
