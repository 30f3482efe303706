import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as a test server received it. */
export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly body: unknown;
  /** Resolves when the response's connection closes, whether or not it finished. */
  readonly closed: Promise<void>;
  /** True once the server finished sending the response. */
  finished(): boolean;
}

export type Handler = (req: Received, res: ServerResponse, n: number) => unknown;

export interface WireServer {
  readonly url: string;
  readonly received: Received[];
  /** Most calls in flight at once. */
  readonly maxInFlight: () => number;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 (an ephemeral port) that a test scripts to speak some provider's wire format. */
export async function startWireServer(handler: Handler): Promise<WireServer> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = undefined;
      }
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
      void closed.then(() => inFlight--);
      const r: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        text,
        body,
        closed,
        finished: () => res.writableFinished,
      };
      received.push(r);
      Promise.resolve(handler(r, res, received.length)).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(599);
        res.end(String(e));
      });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

/** Starts an SSE response and gives back a writer of `data:` events (with an optional `event:` name). */
export function openSse(res: ServerResponse): (data: unknown, event?: string) => void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  return (data, event) => {
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    res.write(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
  };
}

/** Never answers: for timeouts and cancellation. */
export function hang(): void {}
