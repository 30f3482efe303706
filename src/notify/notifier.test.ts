import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { notifySchema } from '../config/notify-schema.js';
import type { NotifyEvent } from './notify-event.js';
import { Notifier } from './notifier.js';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A real loopback receiver; `answer` decides each response (or holds it: return without ending). */
async function receiver(answer: (n: number, res: ServerResponse) => void) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(got.length, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

const servers: Server[] = [];
const notifiers: Notifier[] = [];
afterEach(async () => {
  for (const n of notifiers.splice(0)) await n.close(0);
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

const ok = (_n: number, res: ServerResponse) => res.writeHead(200).end('ok');
const event: NotifyEvent = {
  kind: 'rollback',
  route: 'legal-assistant',
  release: `sha256:${'b'.repeat(64)}`,
  actor: 'controller',
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
  message: 'rolled back by controller: monitor breach: error_rate',
  details: { step: 1, weight: 25 },
};

function make(targets: unknown, env: NodeJS.ProcessEnv = {}, extra: { capacity?: number } = {}) {
  const registry = new Registry();
  const failures: string[] = [];
  const n = new Notifier({
    project: 'legal',
    targets: notifySchema.parse(targets),
    env,
    backoffMs: 5,
    onFailure: (t, e, r) => failures.push(`${t} ${e.kind} ${r}`),
    ...extra,
  });
  n.registerOn(registry);
  notifiers.push(n);
  const count = async (name: string, labels: Record<string, string>) => {
    const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
    const v = m?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
    return v?.value ?? 0;
  };
  return { n, count, failures };
}

const bodySchema = z.object({
  id: z.string(),
  project: z.string(),
  event: z.string(),
  route: z.string().nullable(),
  release: z.string().nullable(),
  actor: z.string(),
  at: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});

describe('the notifier', () => {
  it('posts a JSON body signed with HMAC-SHA256 over the exact bytes, the secret from the environment', async () => {
    const r = await receiver(ok);
    const { n, count } = make(
      { ops: { kind: 'webhook', url: r.url, secret_env: 'HOOK_SECRET' } },
      { HOOK_SECRET: 'k3y' },
    );
    n.notify(event);
    await n.drain();
    expect(r.got).toHaveLength(1);
    const { headers, body } = r.got[0]!;
    expect(headers['x-sluice-signature-256']).toBe(`sha256=${createHmac('sha256', 'k3y').update(body).digest('hex')}`);
    expect(headers['x-sluice-event']).toBe('rollback');
    expect(headers['content-type']).toBe('application/json');
    expect(bodySchema.parse(JSON.parse(body))).toMatchObject({
      project: 'legal',
      event: 'rollback',
      route: 'legal-assistant',
      release: event.release,
      actor: 'controller',
      at: '2026-01-02T03:04:05.000Z',
      details: { step: 1, weight: 25 },
    });
    expect(await count('sluice_notifications_sent_total', { target: 'ops', event: 'rollback' })).toBe(1);
  });

  it('sends Slack-compatible text to an incoming webhook whose URL comes from the environment', async () => {
    const r = await receiver(ok);
    const { n } = make({ chat: { kind: 'slack', url_env: 'SLACK_URL' } }, { SLACK_URL: r.url });
    n.notify(event);
    await n.drain();
    const text = z.object({ text: z.string() }).parse(JSON.parse(r.got[0]!.body)).text;
    expect(text).toContain('*legal* rollback');
    expect(text).toContain('route *legal-assistant*');
    expect(text).toContain('monitor breach: error_rate');
  });

  it('retries a failing target with backoff and counts the delivery once it succeeds', async () => {
    const r = await receiver((i, res) => res.writeHead(i < 3 ? 503 : 200).end());
    const { n, count } = make({ ops: { kind: 'webhook', url: r.url, retries: 3 } });
    n.notify(event);
    await n.drain();
    expect(r.got).toHaveLength(3);
    expect(new Set(r.got.map((g) => g.headers['x-sluice-delivery'])).size).toBe(3);
    expect(await count('sluice_notifications_sent_total', { target: 'ops' })).toBe(1);
    expect(await count('sluice_notifications_failed_total', { target: 'ops' })).toBe(0);
  });

  it('gives up on a target that times out after its retries and counts the failure', async () => {
    const r = await receiver(() => {}); // never answers
    const { n, count, failures } = make({ slow: { kind: 'webhook', url: r.url, timeout_ms: 50, retries: 1 } });
    n.notify(event);
    await n.drain();
    expect(r.got).toHaveLength(2);
    expect(
      await count('sluice_notifications_failed_total', { target: 'slow', event: 'rollback', reason: 'timeout' }),
    ).toBe(1);
    expect(failures).toEqual(['slow rollback timeout: no answer within 50 ms']);
  });

  it('never sends unsigned when the secret is missing, and sends each target only the events it asked for', async () => {
    const r = await receiver(ok);
    const { n, count } = make({
      signed: { kind: 'webhook', url: r.url, secret_env: 'MISSING' },
      gates: { kind: 'webhook', url: r.url, events: ['gate'] },
    });
    n.notify(event);
    await n.drain();
    expect(r.got).toHaveLength(0);
    expect(await count('sluice_notifications_failed_total', { target: 'signed', reason: 'config' })).toBe(1);
    n.notify({ ...event, kind: 'gate' });
    await n.drain();
    expect(r.got).toHaveLength(1);
  });

  it('returns at once and drops past its capacity, counting what it dropped', async () => {
    const r = await receiver(() => {});
    const { n, count } = make(
      { slow: { kind: 'webhook', url: r.url, timeout_ms: 10_000, retries: 0 } },
      {},
      { capacity: 2 },
    );
    for (let i = 0; i < 10; i++) expect(n.notify(event)).toBeUndefined();
    expect(await count('sluice_notifications_failed_total', { target: 'slow', reason: 'queue_full' })).toBe(4);
    await n.close(0);
    expect(await count('sluice_notifications_failed_total', { target: 'slow', reason: 'shutdown' })).toBe(2);
  });
});

describe('notify: in sluice.yaml', () => {
  it('refuses a target with both or neither of url and url_env, and an unknown event', () => {
    expect(notifySchema.safeParse({ a: { kind: 'slack' } }).success).toBe(false);
    expect(notifySchema.safeParse({ a: { kind: 'slack', url: 'http://x', url_env: 'X' } }).success).toBe(false);
    const bad = notifySchema.safeParse({ a: { kind: 'webhook', url: 'http://x', events: ['deploy'] } });
    expect(JSON.stringify(bad.error?.issues)).toContain('events');
    expect(notifySchema.safeParse({ a: { kind: 'webhook', url: 'http://x', secret: 'inline' } }).success).toBe(false);
  });
});
