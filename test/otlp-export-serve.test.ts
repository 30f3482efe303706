import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/server/start-server.js';
import { sluiceConfigSchema } from '../src/config/sluice-schema.js';
import { manifest, releaseRecord, startUpstream } from '../src/gateway/test-support/gateway-fixture.js';
import { tempDir } from '../src/kernel/test-support/temp-dir.js';
import type { SimServer } from '../src/providers/sim/sim-server.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { type OtlpReceiver, startOtlpReceiver } from '../src/telemetry/test-support/otlp-receiver.js';

let upstream: SimServer | undefined;
let receiver: OtlpReceiver | undefined;
let store: Store | undefined;
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  await store?.close();
  await receiver?.close();
  await upstream?.close();
});

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

describe('sluice serve with telemetry.otlp_endpoint', () => {
  it("exports each request's span under the caller's trace and the observer's judgements parented to it", async () => {
    upstream = await startUpstream();
    receiver = await startOtlpReceiver();
    const dir = tempDir('sluice-otlp-out-');
    store = await openStore(`sqlite:${join(dir, 'sluice.db')}`, dir);
    const stable = releaseRecord(manifest('legal', 'legal-v1'));
    await store.insertRelease(stable);
    await store.putRouteState({ route: 'legal', stable: stable.id, candidate: null, weight: 0, rolloutId: null });
    const config = sluiceConfigSchema.parse({
      project: 'otlp-out',
      providers: { up: { kind: 'openai-compatible', base_url: upstream.url, retries: 0 } },
      judges: { refusal: { kind: 'refusal' } },
      gate: { detectors: ['refusal'] },
      observe: { sample_rate: 1 },
      telemetry: { otlp_endpoint: receiver.url, service_name: 'sluice-gw' },
    });
    server = await startServer({ store, config, projectDir: dir, env: {}, port: 0, controller: false, pollMs: 50 });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    for (let i = 0; i < 3; i++)
      await client.chat.completions.create(
        { model: 'legal', messages: [{ role: 'user', content: `Is clause ${i} enforceable?` }] },
        { headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba90${i}b7-01` } },
      );
    await server.observer.drain();
    // Closing the server closes the export last: every span, metric and event is sent before it returns.
    await server.close();
    server = undefined;

    const spans = receiver.spans();
    expect(spans).toHaveLength(3);
    expect(spans.every((s) => s.traceId === TRACE_ID && s.resource.get('service.name') === 'sluice-gw')).toBe(true);
    expect(spans.every((s) => s.attributes.get('sluice.release') === stable.id)).toBe(true);
    const events = receiver.logs().filter((l) => l.eventName === 'gen_ai.evaluation.result');
    expect(events).toHaveLength(3);
    for (const e of events) {
      expect(e.attributes.get('gen_ai.evaluation.name')).toBe('refusal');
      const span = spans.find((s) => s.attributes.get('gen_ai.response.id') === e.attributes.get('gen_ai.response.id'));
      expect(span).toBeDefined();
      expect(e.traceId).toBe(TRACE_ID);
      expect(e.spanId).toBe(span!.spanId);
    }
    expect(receiver.metrics().some((m) => m.name === 'gen_ai.client.operation.duration')).toBe(true);
  });
});
