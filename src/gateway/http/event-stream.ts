import type { ServerResponse } from 'node:http';
import type { ChatChunk } from '../../providers/model-provider.js';
import { servedHeaders, type Served } from './respond.js';

/**
 * Starts a server-sent event stream once the upstream's first chunk is in:
 * an upstream that fails at once rejects here, before any status is sent.
 */
export async function openEventStream(
  chunks: AsyncIterable<ChatChunk>,
  res: ServerResponse,
  served: Served,
): Promise<{ it: AsyncIterator<ChatChunk>; first: IteratorResult<ChatChunk> }> {
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...servedHeaders(served),
  });
  return { it, first };
}
