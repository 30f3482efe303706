/** What one simulated user asks. */
export interface DemoRequest {
  readonly user: string;
  readonly content: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly slice?: string;
}

export interface TrafficStats {
  sent: number;
  ok: number;
  failed: number;
  canary: number;
}

/**
 * Sends OpenAI-style requests to the gateway, `concurrency` at a time, until
 * `done()` or the time limit. Bounded in count and time; loopback only.
 */
export async function drive(
  baseUrl: string,
  route: string,
  next: (n: number) => DemoRequest,
  opts: { done: () => Promise<boolean>; timeoutMs: number; concurrency?: number; maxRequests?: number },
): Promise<TrafficStats> {
  const stats: TrafficStats = { sent: 0, ok: 0, failed: 0, canary: 0 };
  const end = Date.now() + opts.timeoutMs;
  const max = opts.maxRequests ?? 50_000;
  while (Date.now() < end && stats.sent < max && !(await opts.done())) {
    await Promise.all(
      Array.from({ length: opts.concurrency ?? 16 }, async () => {
        const r = next(stats.sent++);
        try {
          const res = await fetch(`${baseUrl}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(r.slice ? { 'x-sluice-slice': r.slice } : {}) },
            body: JSON.stringify({
              model: route,
              user: r.user,
              messages: [{ role: 'user', content: r.content }],
              metadata: r.metadata ?? {},
            }),
          });
          await res.arrayBuffer();
          if (res.headers.get('x-sluice-arm') === 'canary') stats.canary++;
          if (res.ok) stats.ok++;
          else stats.failed++;
        } catch {
          stats.failed++;
        }
      }),
    );
  }
  return stats;
}
