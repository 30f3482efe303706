import type { ServerResponse } from 'node:http';
import type { ChatChunk } from '../../providers/model-provider.js';
import { servedHeaders, type Served } from './respond.js';

/**
 * Starts a server-sent event stream once the upstream's first chunk is in:
 * an upstream that fails at once rejects here, before any status is sent.
 * `firstAt` is when the first chunk came (performance.now()): the time to first chunk.
 */
export async function openEventStream(
  chunks: AsyncIterable<ChatChunk>,
  res: ServerResponse,
  served: Served,
): Promise<{ it: AsyncIterator<ChatChunk>; first: IteratorResult<ChatChunk>; firstAt: number }> {
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  const firstAt = performance.now();
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...servedHeaders(served),
  });
  return { it, first, firstAt };
}
