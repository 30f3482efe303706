import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../gateway/gateway.js';
import { MemoryRouteTable } from '../gateway/routing/route-table.js';
import { entry, registry, startUpstream } from '../gateway/test-support/gateway-fixture.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { SimServer } from '../providers/sim/sim-server.js';
import { otlpSettings } from './otlp-settings.js';
import { OtlpTelemetry } from './otlp-telemetry.js';
import { type OtlpReceiver, startOtlpReceiver } from './test-support/otlp-receiver.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('OpenTelemetry out: a GenAI span per gateway request, exported over OTLP/HTTP', () => {
  let upstream: SimServer;
  let providers: ProviderRegistry;
  let receiver: OtlpReceiver;
  let telemetry: OtlpTelemetry;
  let gateway: Gateway;
  let client: OpenAI;
  const route = entry('legal', 0, null);

  beforeAll(async () => {
    upstream = await startUpstream();
    providers = registry(upstream.url);
    receiver = await startOtlpReceiver();
    const settings = otlpSettings({ otlp_endpoint: `${receiver.url}/` }, {});
    telemetry = new OtlpTelemetry({ ...settings!, serviceVersion: '9.9.9', instanceId: 'gw-test' });
    gateway = createGateway({ routes: new MemoryRouteTable([route]), providers, sinks: [telemetry] });
    client = new OpenAI({ baseURL: `${(await gateway.listen()).url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await receiver.close();
    await providers.close();
    await upstream.close();
  });

  it('continues the caller traceparent with the GenAI attributes and Sluice route, release and arm', async () => {
    const answer = await client.chat.completions.create(
      { model: 'legal', messages: [{ role: 'user', content: 'Is a verbal contract binding?' }] },
      { headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, 'x-sluice-slice': 'legal/contracts' } },
    );
    await telemetry.flush();
    const spans = receiver.spans();
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.traceId).toBe(TRACE_ID);
    expect(span.name).toBe('chat legal');
    expect(span.resource.get('service.name')).toBe('sluice');
    expect(span.resource.get('service.version')).toBe('9.9.9');
    const a = span.attributes;
    expect(a.get('gen_ai.operation.name')).toBe('chat');
    expect(a.get('gen_ai.request.model')).toBe('legal');
    expect(a.get('gen_ai.response.model')).toBe('legal-v1');
    expect(a.get('gen_ai.usage.input_tokens')).toBe(answer.usage!.prompt_tokens);
    expect(a.get('gen_ai.usage.output_tokens')).toBe(answer.usage!.completion_tokens);
    expect(a.get('gen_ai.response.finish_reasons')).toEqual([answer.choices[0]!.finish_reason]);
    expect(a.get('sluice.route')).toBe('legal');
    expect(a.get('sluice.release')).toBe(route.stable.id);
    expect(a.get('sluice.arm')).toBe('stable');
    expect(a.get('sluice.slice')).toBe('legal/contracts');
    expect(a.has('gen_ai.response.time_to_first_chunk')).toBe(false);
    expect(span.parentSpanId).toBe(PARENT_ID);
    expect(receiver.received.find((r) => r.path === '/v1/traces')!.contentType).toBe('application/x-protobuf');
  });

  it('records the GenAI client metrics, time to first chunk for a stream, and a span without a caller trace', async () => {
    const stream = await client.chat.completions.create({
      model: 'legal',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'And a written one?' }],
    });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const c of stream) if (c.usage) usage = c.usage;
    await telemetry.flush();
    const span = receiver.spans().at(-1)!;
    expect(span.traceId).not.toBe(TRACE_ID);
    expect(span.attributes.get('gen_ai.usage.output_tokens')).toBe(usage!.completion_tokens);
    const ttfc = span.attributes.get('gen_ai.response.time_to_first_chunk');
    expect(typeof ttfc === 'number' && ttfc >= 0 && ttfc <= (span.endMs - span.startMs) / 1000 + 1e-3).toBe(true);

    const metrics = receiver.metrics();
    const latest = (name: string) => metrics.filter((m) => m.name === name).at(-1);
    const duration = latest('gen_ai.client.operation.duration')!;
    expect(duration.unit).toBe('s');
    expect(duration.points.reduce((n, p) => n + p.count, 0)).toBe(2);
    expect(duration.points[0]!.attributes.get('gen_ai.operation.name')).toBe('chat');
    expect(duration.points[0]!.attributes.get('sluice.route')).toBe('legal');
    const tokens = latest('gen_ai.client.token.usage')!;
    const byType = (t: string) =>
      tokens.points.filter((p) => p.attributes.get('gen_ai.token.type') === t).reduce((n, p) => n + p.count, 0);
    expect(byType('input')).toBe(2);
    expect(byType('output')).toBe(2);
    const firstChunk = latest('gen_ai.client.operation.time_to_first_chunk')!;
    expect(firstChunk.points.reduce((n, p) => n + p.count, 0)).toBe(1);
  });

  it("reports a judgement as gen_ai.evaluation.result events parented to the judged request's span", async () => {
    await client.chat.completions.create({ model: 'legal', messages: [{ role: 'user', content: 'Define estoppel.' }] });
    await telemetry.flush();
    const span = receiver.spans().at(-1)!;
    const id = span.attributes.get('gen_ai.response.id');
    expect(typeof id).toBe('string');
    telemetry.judged({
      id: id as string,
      route: 'legal',
      release: route.stable.id,
      slice: '*',
      judge: 'quality',
      score: { score: 0.75, judgeError: null, flags: { refusal: true } },
    });
    await telemetry.flush();
    const events = receiver.logs().filter((l) => l.attributes.get('gen_ai.response.id') === id);
    expect(events.map((e) => e.eventName)).toEqual(['gen_ai.evaluation.result', 'gen_ai.evaluation.result']);
    for (const e of events) {
      expect(e.traceId).toBe(span.traceId);
      expect(e.spanId).toBe(span.spanId);
    }
    const quality = events.find((e) => e.attributes.get('gen_ai.evaluation.name') === 'quality')!;
    expect(quality.attributes.get('gen_ai.evaluation.score.value')).toBe(0.75);
    const refusal = events.find((e) => e.attributes.get('gen_ai.evaluation.name') === 'refusal')!;
    expect(refusal.attributes.get('gen_ai.evaluation.score.label')).toBe('flagged');
  });
});

describe('otlpSettings', () => {
  it('is off unless an endpoint is configured, sluice.yaml first, then OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(otlpSettings({}, {})).toBeUndefined();
    expect(otlpSettings({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).toEqual({
      endpoint: 'http://c:4318',
      serviceName: 'sluice',
    });
    expect(
      otlpSettings(
        { otlp_endpoint: 'http://a:4318', service_name: 'gw' },
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRIC_EXPORT_INTERVAL: '5000' },
      ),
    ).toEqual({ endpoint: 'http://a:4318', serviceName: 'gw', metricIntervalMs: 5000 });
    expect(otlpSettings({ otlp_endpoint: 'http://a:4318' }, { OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });
});
