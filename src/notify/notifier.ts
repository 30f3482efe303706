import { randomUUID } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import type { NotifyConfig, NotifyTargetConfig } from '../config/notify-schema.js';
import type { Notify, NotifyEvent } from './notify-event.js';
import { signature, slackBody, webhookBody } from './render.js';

export interface NotifierOptions {
  /** The project's name, in every message. */
  readonly project: string;
  readonly targets: NotifyConfig;
  readonly env: NodeJS.ProcessEnv;
  /** Deliveries waiting at most; past it an event is dropped and counted as failed (`queue_full`). Default 1,000. */
  readonly capacity?: number;
  /** Deliveries in flight at once. Default 4. */
  readonly concurrency?: number;
  /** First retry after this long, doubling each time. Default 500 ms. */
  readonly backoffMs?: number;
  /** A delivery that failed for good, for the log. */
  readonly onFailure?: (target: string, event: NotifyEvent, reason: string) => void;
}

interface Delivery {
  readonly name: string;
  readonly target: NotifyTargetConfig;
  readonly event: NotifyEvent;
}

type Outcome = { ok: true } | { ok: false; reason: 'timeout' | 'status' | 'unreachable' | 'config'; message: string };

/**
 * Fire-and-forget delivery of notifications. `notify` queues one delivery
 * per target that wants the event and returns at once; it never throws and
 * never waits, so a slow or dead target cannot delay a decision (a rollback
 * is carried out before anyone is told). A delivery gets `timeout_ms` per
 * attempt and `retries` more attempts with doubling backoff; one that still
 * fails is counted in `sluice_notifications_failed_total{target, event,
 * reason}`, and one delivered in `sluice_notifications_sent_total`.
 * A webhook target with `secret_env` is never sent unsigned: a missing
 * secret (or URL variable) fails the delivery with reason `config`.
 */
export class Notifier {
  private readonly queue: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sent: Counter<'target' | 'event'>;
  private readonly failed: Counter<'target' | 'event' | 'reason'>;
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  constructor(private readonly o: NotifierOptions) {
    const registers: Registry[] = [];
    this.sent = new Counter({
      name: 'sluice_notifications_sent_total',
      help: 'Notifications delivered (a 2xx answer), by target and event',
      labelNames: ['target', 'event'] as const,
      registers,
    });
    this.failed = new Counter({
      name: 'sluice_notifications_failed_total',
      help: 'Notifications that failed for good after their retries (or were dropped by a full queue), by target, event and reason',
      labelNames: ['target', 'event', 'reason'] as const,
      registers,
    });
  }

  /** Shows the delivery counters on a registry (the gateway's /metrics). */
  registerOn(registry: Registry): void {
    if (!registry.getSingleMetric('sluice_notifications_sent_total')) registry.registerMetric(this.sent);
    if (!registry.getSingleMetric('sluice_notifications_failed_total')) registry.registerMetric(this.failed);
  }

  /** Whether any target is configured. */
  get enabled(): boolean {
    return Object.keys(this.o.targets).length > 0;
  }

  readonly notify: Notify = (event) => {
    if (this.closed) return;
    for (const [name, target] of Object.entries(this.o.targets)) {
      if (target.events && !target.events.includes(event.kind)) continue;
      if (this.queue.length >= (this.o.capacity ?? 1000)) {
        this.fail({ name, target, event }, 'queue_full', 'the notification queue is full');
        continue;
      }
      this.queue.push({ name, target, event });
    }
    this.pump();
  };

  private pump(): void {
    while (this.inFlight.size < (this.o.concurrency ?? 4) && this.queue.length > 0) {
      const d = this.queue.shift()!;
      const p: Promise<void> = this.deliver(d)
        .catch(() => {})
        .finally(() => {
          this.inFlight.delete(p);
          this.pump();
        });
      this.inFlight.add(p);
    }
  }

  private fail(d: Delivery, reason: string, message: string): void {
    this.failed.inc({ target: d.name, event: d.event.kind, reason });
    this.o.onFailure?.(d.name, d.event, `${reason}: ${message}`);
  }

  private async deliver(d: Delivery): Promise<void> {
    const { target } = d;
    let last: Outcome = { ok: false, reason: 'unreachable', message: 'not attempted' };
    for (let attempt = 0; attempt <= target.retries; attempt++) {
      if (attempt > 0) {
        await this.sleep((this.o.backoffMs ?? 500) * 2 ** (attempt - 1));
        if (this.closed) break; // shut down while waiting: counted with the last attempt's reason
      }
      last = await this.attempt(d);
      if (last.ok) {
        this.sent.inc({ target: d.name, event: d.event.kind });
        return;
      }
      if (last.reason === 'config') break; // another attempt would fail the same way
    }
    if (!last.ok) this.fail(d, last.reason, last.message);
  }

  private async attempt(d: Delivery): Promise<Outcome> {
    const { target, event } = d;
    const url = target.url ?? (target.url_env ? this.o.env[target.url_env] : undefined);
    if (!url) return { ok: false, reason: 'config', message: `environment variable ${target.url_env} is not set` };
    const id = randomUUID();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'sluice' };
    let body: string;
    if (target.kind === 'slack') body = slackBody(this.o.project, event);
    else {
      body = webhookBody(this.o.project, event, id);
      headers['x-sluice-event'] = event.kind;
      headers['x-sluice-delivery'] = id;
      if (target.secret_env) {
        const secret = this.o.env[target.secret_env];
        if (!secret)
          return { ok: false, reason: 'config', message: `environment variable ${target.secret_env} is not set` };
        headers['x-sluice-signature-256'] = signature(secret, body);
      }
    }
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(target.timeout_ms) });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? { ok: true } : { ok: false, reason: 'status', message: `HTTP ${res.status}` };
    } catch (e) {
      return e instanceof Error && e.name === 'TimeoutError'
        ? { ok: false, reason: 'timeout', message: `no answer within ${target.timeout_ms} ms` }
        : { ok: false, reason: 'unreachable', message: String((e as Error).cause ?? e) };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      t.unref();
      this.timers.set(t, resolve);
    });
  }

  /** Waits until every queued delivery has finished (delivered or failed for good). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0 || this.queue.length > 0) {
      this.pump();
      await Promise.race([...this.inFlight]);
    }
  }

  /**
   * Stops taking events and waits up to `graceMs` for those queued (a CLI
   * command's gate result goes out before the process exits); what is still
   * pending then is counted as failed (`shutdown`).
   */
  async close(graceMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    await Promise.race([this.drain(), grace]);
    clearTimeout(timer);
    this.closed = true;
    for (const [t, wake] of this.timers) {
      clearTimeout(t);
      wake();
    }
    this.timers.clear();
    for (const d of this.queue.splice(0)) this.fail(d, 'shutdown', 'the process stopped before delivery');
  }
}
