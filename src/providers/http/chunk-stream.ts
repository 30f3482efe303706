import { type ChatChunk, ProviderError } from '../model-provider.js';
import type { SseEvent } from './sse.js';

/** Follows one API's event stream: the chunks of each event, whether the answer is complete, and the closing chunk. */
export interface ChunkStream {
  readonly done: boolean;
  accept(data: string): Iterable<ChatChunk>;
  finish(): ChatChunk;
}

/** Characters of answer a chunk carries: its text and its tool calls' argument pieces. */
function outputChars(c: ChatChunk): number {
  let n = c.delta.length;
  if (c.toolCalls) for (const t of c.toolCalls) n += t.function?.arguments?.length ?? 0;
  return n;
}

/**
 * The chunks of a streamed answer, then the closing one. An error once the
 * answer is complete (the connection dropped after the last event) is ignored.
 * An answer past `maxOutputChars` (text and tool-call arguments) is cut there
 * with a 'too_large' error: an upstream that ignores max_tokens cannot make
 * the gateway relay and keep an answer without end.
 */
export async function* streamChunks(
  stream: ChunkStream,
  events: AsyncIterable<SseEvent>,
  maxOutputChars = Number.POSITIVE_INFINITY,
): AsyncIterable<ChatChunk> {
  let output = 0;
  try {
    for await (const event of events) {
      for (const c of stream.accept(event.data)) {
        output += outputChars(c);
        if (output > maxOutputChars)
          throw new ProviderError('too_large', `the answer is longer than ${maxOutputChars} characters`);
        yield c;
      }
    }
  } catch (e) {
    if (!stream.done) throw e;
  }
  yield stream.finish();
}
