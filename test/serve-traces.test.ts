import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open-store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { rolloutProject } from './support/rollout-project.js';
import { spawnServe } from './support/serve-process.js';

const EMAIL = 'ana.lopez@example.com';

// `sluice serve` writes traces on a worker thread with its own store
// connection; a graceful shutdown must still get every answered request into
// the store, requests in flight at SIGTERM included.
for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available)(`sluice serve traces: ${factory.name}`, () => {
    it('every answered request is in the store after SIGTERM, redacted', async () => {
      const url = factory.freshUrl();
      const dir = rolloutProject();
      const env = { SLUICE_DB: url };
      const cli = (...a: string[]) => runCli(a, { cwd: dir, env });
      const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
      expect((await cli('roll', v1)).code).toBe(0);
      const serve = await spawnServe(dir, env);
      const client = new OpenAI({ baseURL: `${serve.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const answered: string[] = [];
      const ask = async (i: number): Promise<void> => {
        const r = await client.chat.completions.create({
          model: 'support-assistant',
          user: `user-${i}`,
          messages: [{ role: 'user', content: `Reset my password, I am ${EMAIL}` }],
          metadata: { product: 'Acme Cloud' },
        });
        answered.push(r.id.replace(/^chatcmpl-/, ''));
      };
      for (let batch = 0; batch < 5; batch++)
        await Promise.all(Array.from({ length: 20 }, (_, i) => ask(batch * 20 + i)));
      // 20 more in flight when SIGTERM arrives: those answered must be recorded too.
      const inFlight = Array.from({ length: 20 }, (_, i) => ask(100 + i).catch(() => undefined));
      await new Promise((r) => setTimeout(r, 5));
      expect(await serve.stop()).toBe(0);
      await Promise.all(inFlight);
      expect(answered.length).toBeGreaterThanOrEqual(100);

      const store = await openStore(url, dir);
      try {
        const traces = await store.listTraces({ route: 'support-assistant' });
        const traced = new Set(traces.map((t) => t.id));
        expect(answered.filter((id) => !traced.has(id))).toEqual([]);
        // A request in flight at SIGTERM may be answered after its client gave up: traced, never answered.
        expect(traces.length).toBeLessThanOrEqual(120);
        expect(traces.every((t) => t.releaseId === v1)).toBe(true);
        const answeredIds = new Set(answered);
        expect(traces.filter((t) => answeredIds.has(t.id)).every((t) => t.status === 200)).toBe(true);
        // One whose client gave up is on record as such (499), never as an error of the release.
        expect(traces.filter((t) => !answeredIds.has(t.id)).every((t) => t.status === 200 || t.status === 499)).toBe(
          true,
        );
        expect(traces.some((t) => t.input.includes(EMAIL))).toBe(false);
        expect(traces.every((t) => t.input.includes('[EMAIL]'))).toBe(true);
      } finally {
        await store.close();
      }
    });
  });
}
