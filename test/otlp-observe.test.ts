import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/server/start-server.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutProject } from './support/rollout-project.js';

let server: RunningServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await server?.close();
  await store?.close();
});

const QUESTIONS = ['how do I reset my password?', 'where is my hardware order?', 'how do I add a teammate?'];
const HEDGE = "I'm not able to help with account questions; please consult a qualified professional.";

describe('the observer on traffic that arrives only as OpenTelemetry spans', () => {
  it('rolls back a promoted release whose answers, reported over OTLP, start hedging', async () => {
    const dir = rolloutProject();
    const url = STORE_FACTORIES[0]!.freshUrl();
    const cli = (...a: string[]) => runCli(a, { cwd: dir, env: { SLUICE_DB: url } });
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', v1);
    await cli('roll', v1);
    releaseFor(dir, 'hedging-v5', v1);
    const v5 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    expect((await cli('gate', v5)).code).toBe(0);
    await cli('roll', v5);
    await cli('promote', '--reason', 'fast-track the safety tune');

    store = await openStore(url, dir);
    server = await startServer({
      store,
      config: loadProjectConfig(dir).value,
      projectDir: dir,
      env: {},
      port: 0,
      tickMs: 100,
      pollMs: 100,
      observeTickMs: 250,
      simTimeScale: 0.02,
    });
    // The application calls its model itself and reports each call with the official SDK; Sluice's gateway serves nothing.
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'support-app', 'sluice.route': 'support-assistant' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${server.url}/v1/traces` }))],
    });
    const tracer = provider.getTracer('support-app');
    const status = async () => (await server!.service.status('support-assistant')) as { phase: string; stable: string };
    const deadline = Date.now() + 20_000;
    let n = 0;
    while (Date.now() < deadline && (await status()).phase === 'promoted') {
      for (let i = 0; i < 24; i++, n++) {
        const question = `Please, ${QUESTIONS[n % QUESTIONS.length]} (ticket ${n})`;
        tracer
          .startSpan('chat support-model', {
            kind: SpanKind.CLIENT,
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.request.model': 'support-model',
              'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: question }] }]),
              'gen_ai.output.messages': JSON.stringify([
                { role: 'assistant', parts: [{ type: 'text', content: HEDGE }] },
              ]),
            },
          })
          .end();
      }
      await provider.forceFlush();
      await new Promise((r) => setTimeout(r, 100));
    }
    await provider.shutdown();
    const final = await status();
    expect(final.phase).toBe('rolled_back');
    expect(final.stable).toBe(v1);
    const traces = await store.listTraces({ route: 'support-assistant' });
    expect(traces.length).toBeGreaterThan(0);
    expect(traces.every((t) => t.endpoint === 'otlp')).toBe(true);
    expect(traces.filter((t) => t.releaseId === v5).length).toBeGreaterThan(traces.length / 2);
    const receipts = (await cli('audit', 'log', '--kind', 'observe-rollback', '--json')).json<{ actor: string }[]>();
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.actor).toBe('observer');
  });
});
