import type { Finished } from '../../gateway/http/chat.js';
import type { FinishedSink } from '../../gateway/sinks/finished-sink.js';
import type { ServerLog } from './server-log.js';

/**
 * `serve --log-requests`: one line per finished request (route, arm, release, status, latency,
 * request id, error code) — never its content. Off by default: at gateway rates it is the
 * traces' job, and a line a request costs the hot path.
 */
export function requestLog(log: ServerLog): FinishedSink {
  return {
    offer(f: Finished) {
      log.info(
        {
          event: 'request',
          request_id: f.requestId ?? f.id,
          route: f.entry.route,
          arm: f.arm,
          release: f.release.id,
          status: f.status,
          latency_ms: Math.round(f.latencyMs * 10) / 10,
          ...(f.endpoint ? { endpoint: f.endpoint } : {}),
          ...(f.error ? { error: f.error.code } : {}),
          ...(f.client ? { client: f.client } : {}),
        },
        `${f.status} ${f.entry.route} ${f.arm} ${Math.round(f.latencyMs)} ms`,
      );
    },
    async close() {},
  };
}
