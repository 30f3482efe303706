import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RunningServer, startServer } from '../src/app/server/start-server.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { rolloutProject } from './support/rollout-project.js';
import { Writable } from 'node:stream';
import { createServerLog } from '../src/app/server/server-log.js';

let server: RunningServer | undefined;
let store: Store | undefined;
let receiver: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  await store?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const QUESTIONS = ['how do I reset my password?', 'where is my hardware order?', 'how do I add a teammate?'];
const GOOD = [
  'Open Settings, choose Security, then Reset password; we email you a link that works for 30 minutes.',
  'Your hardware order ships within two business days; the tracking link is under Orders in your account.',
  'Go to Team, choose Invite, and enter their email; they join once they accept the invitation.',
];
const HEDGE = "I'm not able to help with account questions; please consult a qualified professional.";

describe('a release whose traffic Sluice does not shift', () => {
  it('starts hedging over OTLP: the observer notifies and the analysis verdict turns to fail, as Sluice cannot roll it back itself', async () => {
    const told: { event: string; message: string }[] = [];
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        told.push(
          z.object({ event: z.string(), message: z.string() }).parse(JSON.parse(Buffer.concat(chunks).toString())),
        );
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    dir = rolloutProject();
    const cfg = join(dir, 'sluice.yaml');
    writeFileSync(
      cfg,
      `${readFileSync(cfg, 'utf8').replace(/observe: \{ /, 'observe: { reference_samples: 60, ')}notify:\n  ops: { kind: webhook, url: "http://127.0.0.1:${(receiver.address() as AddressInfo).port}/", events: [observer-alert, observe-rollback] }\n`,
    );
    const url = STORE_FACTORIES[0]!.freshUrl();
    const cli = (...a: string[]) => runCli(a, { cwd: dir!, env: { SLUICE_DB: url } });
    // Kubernetes shifts this release's traffic: it is the route's release, with no Sluice rollout.
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', v1);
    await cli('roll', v1);

    store = await openStore(url, dir);
    // serve's log: the observer's alert is one line of it
    const logged: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged.push(chunk.toString());
        done();
      },
    });
    server = await startServer({
      store,
      config: loadProjectConfig(dir).value,
      projectDir: dir,
      env: {},
      log: createServerLog({ stream: logStream }),
      port: 0,
      tickMs: 100,
      pollMs: 100,
      observeTickMs: 250,
      simTimeScale: 0.02,
    });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'support-app', 'sluice.route': 'support-assistant' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${server.url}/v1/traces` }))],
    });
    const tracer = provider.getTracer('support-app');
    const analysis = async () =>
      z
        .object({ verdict: z.string(), reasons: z.array(z.string()), release: z.string() })
        .loose()
        .parse(await (await fetch(`${server!.url}/api/v1/analysis/support-assistant`)).json());
    const send = (answer: (n: number) => string, from: number, count: number) => {
      for (let n = from; n < from + count; n++) {
        tracer
          .startSpan('chat support-model', {
            kind: SpanKind.CLIENT,
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.request.model': 'support-model',
              'gen_ai.input.messages': JSON.stringify([
                { role: 'user', parts: [{ type: 'text', content: `${QUESTIONS[n % 3]} (ticket ${n})` }] },
              ]),
              'gen_ai.output.messages': JSON.stringify([
                { role: 'assistant', parts: [{ type: 'text', content: answer(n) }] },
              ]),
            },
          })
          .end();
      }
    };
    // Healthy answers first: the release's own reference.
    let n = 0;
    const warm = Date.now() + 15_000;
    while (Date.now() < warm && (await analysis()).verdict !== 'pass') {
      send((i) => GOOD[i % 3]!, n, 24);
      n += 24;
      await provider.forceFlush();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await analysis()).verdict).toBe('pass');
    // Then it hedges.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await analysis()).verdict !== 'fail') {
      send(() => HEDGE, n, 24);
      n += 24;
      await provider.forceFlush();
      await new Promise((r) => setTimeout(r, 100));
    }
    await provider.shutdown();
    const a = await analysis();
    expect(a.verdict, JSON.stringify(a)).toBe('fail');
    expect(a.release).toBe(v1);
    expect(a.reasons.join()).toMatch(/observer proved a sustained quality drop/);
    // Sluice owns no pointer here: the route keeps its release and says why.
    expect((await server.service.status('support-assistant')).stable).toBe(v1);
    await server.close();
    server = undefined;
    expect(told.some((t) => t.event === 'observer-alert' && /no Sluice rollout of this release/.test(t.message))).toBe(
      true,
    );
    const alert = logged.find((l) => l.includes('"event":"observer-alert"') && l.includes('no Sluice rollout'));
    expect(alert, alert).toMatch(
      /"level":40,.*"route":"support-assistant".*"msg":"observer alert on support-assistant: .*no Sluice rollout of this release/,
    );
  }, 90_000);
});
