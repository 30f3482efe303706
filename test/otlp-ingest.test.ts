import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newToken } from '../src/app/api/tokens.js';
import { type RunningServer, startServer } from '../src/app/server/start-server.js';
import { sluiceConfigSchema } from '../src/config/sluice-schema.js';
import { manifest, releaseRecord } from '../src/gateway/test-support/gateway-fixture.js';
import { tempDir } from '../src/kernel/test-support/temp-dir.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';

const PROMPT = 'Can my landlord keep the deposit? Reach me at ana.lopez@example.com or +33 6 12 34 56 78.';
const ANSWER = 'I cannot give legal advice; please consult an attorney.';

let dir: string;
let store: Store;
let server: RunningServer;
const stable = releaseRecord(manifest('legal', 'legal-v1'));
const candidate = releaseRecord(manifest('legal', 'legal-v2'));

async function start(): Promise<void> {
  const config = sluiceConfigSchema.parse({
    project: 'otlp-in',
    providers: { up: { kind: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1' } },
    judges: { refusal: { kind: 'refusal' } },
    gate: { detectors: ['refusal'] },
    observe: { sample_rate: 1 },
    telemetry: {
      ingest: { services: { 'legal-app-canary': { route: 'legal', arm: 'canary' } }, max_body_bytes: 65536 },
    },
  });
  server = await startServer({ store, config, projectDir: dir, env: {}, port: 0, controller: false, pollMs: 50 });
}

beforeEach(async () => {
  dir = tempDir('sluice-otlp-');
  store = await openStore(`sqlite:${join(dir, 'sluice.db')}`, dir);
  for (const r of [stable, candidate]) await store.insertRelease(r);
  await store.putRouteState({
    route: 'legal',
    stable: stable.id,
    candidate: candidate.id,
    weight: 10,
    rolloutId: 'r-1',
  });
  await start();
});
afterEach(async () => {
  await server.close();
  await store.close();
});

/** An application's own tracer, exporting with the official SDK to Sluice's POST /v1/traces. */
function appTracer(exporter: SpanExporter, service: string) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { tracer: provider.getTracer('legal-app'), provider };
}

/** A GenAI span as current instrumentations write it: input and output messages as attributes. */
const currentConventions = (question: string, answer: string, extra: Attributes = {}): Attributes => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.response.model': 'gpt-4o-2024-08-06',
  'gen_ai.usage.input_tokens': 31,
  'gen_ai.usage.output_tokens': 12,
  'gen_ai.response.finish_reasons': ['stop'],
  'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: question }] }]),
  'gen_ai.output.messages': JSON.stringify([
    { role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' },
  ]),
  ...extra,
});

describe('OpenTelemetry in: POST /v1/traces', () => {
  it('keeps GenAI spans exported as protobuf and as JSON as redacted traces of their route and release', async () => {
    const proto = appTracer(new ProtoTraceExporter({ url: `${server.url}/v1/traces` }), 'legal-app');
    const span = proto.tracer.startSpan('chat gpt-4o', {
      kind: SpanKind.CLIENT,
      attributes: currentConventions(PROMPT, ANSWER, { 'sluice.route': 'legal', 'sluice.slice': 'housing' }),
    });
    span.end();
    // An HTTP span beside it is not Sluice's to keep.
    proto.tracer.startSpan('GET /health', { attributes: { 'http.request.method': 'GET' } }).end();
    await proto.provider.shutdown();

    // The older conventions: prompt and completion as span events; the route from the service mapping (canary).
    const json = appTracer(new JsonTraceExporter({ url: `${server.url}/v1/traces` }), 'legal-app-canary');
    const old = json.tracer.startSpan('openai.chat', {
      kind: SpanKind.CLIENT,
      attributes: { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4', 'gen_ai.usage.prompt_tokens': 9 },
    });
    old.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'What is a lease? Card 4111 1111 1111 1111.' });
    old.addEvent('gen_ai.content.completion', { 'gen_ai.completion': 'A lease is a contract.' });
    old.setStatus({ code: SpanStatusCode.OK });
    old.end();
    await json.provider.shutdown();

    await server.gateway.flush();
    const traces = await store.listTraces({ route: 'legal' });
    expect(traces).toHaveLength(2);
    const [a, b] = traces;
    expect(a).toMatchObject({
      route: 'legal',
      releaseId: stable.id,
      arm: 'stable',
      status: 200,
      slice: 'housing',
      promptTokens: 31,
      completionTokens: 12,
      endpoint: 'otlp',
      model: 'openai/gpt-4o-2024-08-06',
      output: ANSWER,
    });
    expect(a!.input).toContain('Can my landlord keep the deposit?');
    expect(a!.input).not.toContain('ana.lopez@example.com');
    expect(a!.input).not.toContain('+33 6 12 34 56 78');
    expect(b).toMatchObject({
      releaseId: candidate.id,
      arm: 'canary',
      promptTokens: 9,
      output: 'A lease is a contract.',
    });
    expect(b!.input).not.toContain('4111 1111 1111 1111');
    expect(b!.input).toContain('[CARD]');

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/sluice_otlp_spans_total\{outcome="stored"\} 2/);
    expect(metrics).toMatch(/sluice_otlp_spans_total\{outcome="ignored"\} 1/);
    // process_* and nodejs_* series from prom-client's default collectors.
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('stores a retried export once', async () => {
    const body = JSON.stringify(exportOf([jsonSpan('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331')]));
    for (let i = 0; i < 2; i++) {
      const res = await post(body, 'application/json');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
    }
    await server.gateway.flush();
    expect(await store.listTraces({ route: 'legal' })).toHaveLength(1);
  });

  it('takes a gzipped export, and refuses bytes that are not gzip', async () => {
    const body = gzipSync(JSON.stringify(exportOf([jsonSpan('7af7651916cd43dd8448eb211c80319c', 'b8ad6b7169203331')])));
    expect((await post(body, 'application/json', { 'content-encoding': 'gzip' })).status).toBe(200);
    const bad = await post('not gzip', 'application/json', { 'content-encoding': 'gzip' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not valid gzip/);
    await server.gateway.flush();
    expect(await store.listTraces({ route: 'legal' })).toHaveLength(1);
  });

  it('answers partial success for GenAI spans it cannot place, and keeps the rest', async () => {
    const unplaced = jsonSpan('1af7651916cd43dd8448eb211c80319c', 'c7ad6b7169203331', { route: null });
    const unknown = jsonSpan('2af7651916cd43dd8448eb211c80319c', 'd7ad6b7169203331', { route: 'nope' });
    const good = jsonSpan('3af7651916cd43dd8448eb211c80319c', 'e7ad6b7169203331');
    const res = await post(JSON.stringify(exportOf([unplaced, unknown, good])), 'application/json');
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { partialSuccess: { rejectedSpans: number; errorMessage: string } };
    expect(answer.partialSuccess.rejectedSpans).toBe(2);
    expect(answer.partialSuccess.errorMessage).toContain('no route "nope"');
    expect(answer.partialSuccess.errorMessage).toContain('telemetry.ingest.services');
    await server.gateway.flush();
    expect(await store.listTraces({ route: 'legal' })).toHaveLength(1);
  });

  it('refuses a malformed export with 400 and the reason, and keeps none of it', async () => {
    const good = jsonSpan('4af7651916cd43dd8448eb211c80319c', 'f7ad6b7169203331');
    const cases: [string | Buffer, string, RegExp][] = [
      [
        Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]),
        'application/x-protobuf',
        /not an OTLP ExportTraceServiceRequest protobuf/,
      ],
      ['{"resourceSpans": [', 'application/json', /not JSON/],
      [
        JSON.stringify(
          exportOf([
            good,
            { ...jsonSpan('5af7651916cd43dd8448eb211c80319c', 'a7ad6b7169203331'), startTimeUnixNano: true },
          ]),
        ),
        'application/json',
        /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]\.startTimeUnixNano/,
      ],
      [JSON.stringify(exportOf([{ ...good, traceId: 'abc' }])), 'application/json', /traceId: expected 16 bytes/],
      [JSON.stringify(exportOf([good])).padEnd(70_000, ' '), 'application/json', /larger than 65536 bytes/],
    ];
    for (const [body, type, reason] of cases) {
      const res = await post(body, type);
      expect(res.status).toBe(400);
      const error = ((await res.json()) as { error: { message: string; code: string } }).error;
      expect(error.code).toBe('bad_otlp');
      expect(error.message).toMatch(reason);
    }
    expect((await post('{}', 'text/plain')).status).toBe(415);
    await server.gateway.flush();
    expect(await store.listTraces({ route: 'legal' })).toHaveLength(0);
  });

  it('needs a token once control-API tokens exist; a viewer token may send spans', async () => {
    const viewer = newToken();
    await store.putToken({ hash: viewer.hash, name: 'otel-collector', role: 'viewer' });
    const body = JSON.stringify(exportOf([jsonSpan('6af7651916cd43dd8448eb211c80319c', 'a8ad6b7169203331')]));
    expect((await post(body, 'application/json')).status).toBe(401);
    expect((await post(body, 'application/json', { authorization: 'Bearer slc_wrong' })).status).toBe(401);
    expect((await post(body, 'application/json', { authorization: `Bearer ${viewer.token}` })).status).toBe(200);
    await server.gateway.flush();
    expect(await store.listTraces({ route: 'legal' })).toHaveLength(1);
  });

  it('hands ingested answers to the observer, which judges them like the gateway’s own', async () => {
    const exporter = new ProtoTraceExporter({ url: `${server.url}/v1/traces` });
    const app = appTracer(exporter, 'legal-app');
    for (let i = 0; i < 6; i++)
      app.tracer
        .startSpan('chat gpt-4o', {
          attributes: currentConventions(
            `Question ${i} about my lease`,
            i % 2 ? ANSWER : 'Yes: the deposit comes back within a month.',
            {
              'sluice.route': 'legal',
            },
          ),
        })
        .end();
    await app.provider.shutdown();
    await server.observer.drain();
    const samples = await store.observeSamples(stable.id, 0);
    expect(samples).toHaveLength(6);
    expect(samples.filter((s) => s.flags.refusal === true)).toHaveLength(3);
    expect(samples.every((s) => s.route === 'legal')).toBe(true);
  });
});

function jsonSpan(traceId: string, spanId: string, o: { route?: string | null } = {}) {
  const attributes = [
    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
    { key: 'gen_ai.prompt', value: { stringValue: 'Is a verbal lease valid?' } },
    { key: 'gen_ai.completion', value: { stringValue: 'Often, for short terms.' } },
    { key: 'gen_ai.usage.input_tokens', value: { intValue: '7' } },
  ];
  if (o.route !== null) attributes.push({ key: 'sluice.route', value: { stringValue: o.route ?? 'legal' } });
  return {
    traceId,
    spanId,
    name: 'chat',
    kind: 3,
    startTimeUnixNano: '1765000000000000000',
    endTimeUnixNano: '1765000000250000000',
    attributes,
  };
}

function exportOf(spans: unknown[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'curl-app' } }] },
        scopeSpans: [{ scope: { name: 'manual' }, spans }],
      },
    ],
  };
}

function post(body: string | Uint8Array, contentType: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}
