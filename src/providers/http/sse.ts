/** One server-sent event: its `event:` name (if any) and its `data:` lines joined by "\n". */
export interface SseEvent {
  readonly event: string | undefined;
  readonly data: string;
}

export interface SseLimits {
  /** The longest line (in bytes) the stream may send; a longer one ends it with SseLineTooLong. Default: no limit. */
  readonly maxLineBytes?: number;
}

/** A line longer than the stream's limit: the upstream is broken or hostile. */
export class SseLineTooLong extends Error {
  constructor(readonly limit: number) {
    super(`an event-stream line is longer than ${limit} bytes`);
    this.name = 'SseLineTooLong';
  }
}

const LF = 0x0a;
const CR = 0x0d;

const asBytes = (chunk: Uint8Array | string): Buffer =>
  typeof chunk === 'string'
    ? Buffer.from(chunk, 'utf8')
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

/** The next line end at or after `from`: the first LF or CR, or -1. */
function nextLineEnd(chunk: Buffer, from: number): number {
  const lf = chunk.indexOf(LF, from);
  const cr = chunk.indexOf(CR, from);
  return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
}

/**
 * Parses a server-sent-event stream (the WHATWG rules: `data:` lines, an
 * optional `event:`, comments starting with ":", a blank line ends an event;
 * CRLF, LF or CR line ends). An event still open at the end of the stream is
 * delivered only if its last line was complete, so a stream cut mid-line never
 * yields half a JSON document.
 *
 * Incremental: each byte is looked at once. Lines are split on the bytes
 * themselves (LF and CR never occur inside a UTF-8 sequence) and only a
 * complete line is decoded; the unfinished end of a chunk is kept as it came,
 * never rescanned. A line longer than `maxLineBytes` ends the stream with
 * SseLineTooLong before it is held any longer.
 */
export async function* parseSse(
  chunks: AsyncIterable<Uint8Array | string>,
  limits: SseLimits = {},
): AsyncGenerator<SseEvent> {
  const maxLine = limits.maxLineBytes ?? Number.POSITIVE_INFINITY;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipLF = false;
  let data: string[] = [];
  let event: string | undefined;

  function* takeLine(line: string): Generator<SseEvent> {
    if (line === '') {
      if (data.length > 0) yield { event, data: data.join('\n') };
      data = [];
      event = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }

  for await (const raw of chunks) {
    const chunk = asBytes(raw);
    let start = 0;
    if (skipLF && chunk.length > 0) {
      if (chunk[0] === LF) start = 1;
      skipLF = false;
    }
    for (let end = nextLineEnd(chunk, start); end >= 0; end = nextLineEnd(chunk, start)) {
      const bytes = pendingBytes + (end - start);
      if (bytes > maxLine) throw new SseLineTooLong(maxLine);
      const line =
        pendingBytes === 0
          ? chunk.toString('utf8', start, end)
          : Buffer.concat([...pending, chunk.subarray(start, end)], bytes).toString('utf8');
      pending = [];
      pendingBytes = 0;
      yield* takeLine(line);
      if (chunk[end] === CR) {
        if (end + 1 === chunk.length) skipLF = true;
        else if (chunk[end + 1] === LF) end++;
      }
      start = end + 1;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLine) throw new SseLineTooLong(maxLine);
      pending.push(Buffer.from(chunk.subarray(start))); // a copy: the chunk's memory is not ours to keep
    }
  }
  // A complete last line (nothing pending) with no blank line after it still counts.
  if (pendingBytes === 0 && data.length > 0) yield { event, data: data.join('\n') };
}
