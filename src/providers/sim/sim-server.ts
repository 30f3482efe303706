import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sleep } from '../../kernel/clock.js';
import type { SimEngine } from './sim-engine.js';
import { splitPieces, toolCallPieces } from './sim-provider.js';
import {
  chunkBody,
  completionBody,
  errorBody,
  parseChatBody,
  parseEmbeddingsBody,
  usageChunkBody,
  type ParsedChat,
} from './sim-wire.js';

export interface SimServerOptions {
  readonly engine: SimEngine;
  readonly port?: number;
  readonly host?: string;
  /** Multiplies every simulated wait: 1 is real time, 0 answers at once. */
  readonly timeScale?: number;
  /** How long an overlong non-streamed answer stalls before a 504 (unscaled; the client usually gives up first). */
  readonly stallMs?: number;
}

export interface SimServer {
  /** The OpenAI-compatible base URL, ending in /v1. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024 * 1024;

function send(res: ServerResponse, status: number, value: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) parts.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown);
      } catch {
        resolve(undefined);
      }
    });
  });
}

/** The simulator behind an OpenAI-compatible HTTP API, so gates and gateways exercise the real HTTP path. */
export async function startSimServer(opts: SimServerOptions): Promise<SimServer> {
  const { engine } = opts;
  const scale = opts.timeScale ?? 1;
  const sockets = new Set<Socket>();

  async function chat(parsed: ParsedChat, res: ServerResponse, gone: AbortSignal): Promise<void> {
    const req = parsed.request;
    const out = engine.respond(req);
    const id = `chatcmpl-sim-${createHash('sha256')
      .update(JSON.stringify([engine.seed, req]))
      .digest('hex')
      .slice(0, 16)}`;
    const wait = (ms: number) => sleep(ms * scale, gone);
    if (out.kind === 'unknown_model')
      return send(res, 404, errorBody(out.message, 'invalid_request_error', 'model_not_found'));
    if (out.kind === 'overlong' && !parsed.stream) {
      await sleep(opts.stallMs ?? 600_000, gone);
      return send(res, 504, errorBody('the simulated generation timed out', 'timeout', 'timeout'));
    }
    await wait(out.latencyMs * (parsed.stream ? 0.4 : 1));
    if (out.kind === 'error') return send(res, out.status, errorBody(out.message, 'server_error', 'sim_error'));
    if (!parsed.stream)
      return out.kind === 'answer'
        ? send(res, 200, completionBody(id, req.model, out.text, out.finishReason, out.usage, out.toolCalls))
        : undefined;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const event = (v: unknown) => res.write(`data: ${typeof v === 'string' ? v : JSON.stringify(v)}\n\n`);
    event(chunkBody(id, req.model, { role: 'assistant', content: '' }, null));
    if (out.kind === 'answer' && out.toolCalls) {
      for (const delta of toolCallPieces(out.toolCalls)) event(chunkBody(id, req.model, { tool_calls: [delta] }, null));
      event(chunkBody(id, req.model, {}, out.finishReason));
      if (parsed.includeUsage) event(usageChunkBody(id, req.model, out.usage));
      event('[DONE]');
      res.end();
      return;
    }
    const pieces = splitPieces(out.kind === 'answer' ? out.text : out.partial);
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) await wait((out.latencyMs * 0.6) / pieces.length);
      event(chunkBody(id, req.model, { content: piece }, null));
    }
    if (out.kind === 'overlong') {
      // Flush what was written, then close the connection without ending the chunked body.
      res.socket?.end();
      return;
    }
    event(chunkBody(id, req.model, {}, out.finishReason));
    if (parsed.includeUsage) event(usageChunkBody(id, req.model, out.usage));
    event('[DONE]');
    res.end();
  }

  async function route(req: IncomingMessage, res: ServerResponse, gone: AbortSignal): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      const data = engine.modelNames().map((id) => ({ id, object: 'model', created: 0, owned_by: 'sluice-sim' }));
      return send(res, 200, { object: 'list', data });
    }
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { ok: true });
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/embeddings')) {
      return send(res, 404, errorBody(`no route ${req.method} ${path}`, 'invalid_request_error', 'not_found'));
    }
    const body = await readBody(req);
    if (path === '/v1/embeddings') {
      const parsed = parseEmbeddingsBody(body);
      if (typeof parsed === 'string') return send(res, 400, errorBody(parsed, 'invalid_request_error'));
      const data = parsed.inputs.map((s, index) => ({
        object: 'embedding',
        index,
        embedding: engine.embed(s, parsed.dims),
      }));
      const tokens = parsed.inputs.reduce((n, s) => n + Math.ceil(s.length / 4), 0);
      return send(res, 200, {
        object: 'list',
        data,
        model: parsed.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    }
    const parsed = parseChatBody(body, req.headers);
    if (typeof parsed === 'string') return send(res, 400, errorBody(parsed, 'invalid_request_error'));
    return chat(parsed, res, gone);
  }

  const server: Server = createServer((req, res) => {
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    route(req, res, gone.signal).catch((e: unknown) => {
      if (gone.signal.aborted) return;
      if (!res.headersSent) send(res, 500, errorBody(e instanceof Error ? e.message : String(e), 'server_error'));
      else res.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/v1`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
