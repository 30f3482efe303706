import type { ChatChunk } from '../model-provider.js';
import type { SseEvent } from './sse.js';

/** Follows one API's event stream: the chunks of each event, whether the answer is complete, and the closing chunk. */
export interface ChunkStream {
  readonly done: boolean;
  accept(data: string): Iterable<ChatChunk>;
  finish(): ChatChunk;
}

/**
 * The chunks of a streamed answer, then the closing one. An error once the
 * answer is complete (the connection dropped after the last event) is ignored.
 */
export async function* streamChunks(stream: ChunkStream, events: AsyncIterable<SseEvent>): AsyncIterable<ChatChunk> {
  try {
    for await (const event of events) yield* stream.accept(event.data);
  } catch (e) {
    if (!stream.done) throw e;
  }
  yield stream.finish();
}
