/** One server-sent event: its `event:` name (if any) and its `data:` lines joined by "\n". */
export interface SseEvent {
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * Parses a server-sent-event stream (the WHATWG rules: `data:` lines, an
 * optional `event:`, comments starting with ":", a blank line ends an event;
 * CRLF, LF or CR line ends). An event still open at the end of the stream is
 * delivered only if its last line was complete, so a stream cut mid-line never
 * yields half a JSON document.
 */
export async function* parseSse(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;
  let pendingCR = false;

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

  for await (const chunk of chunks) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (pendingCR && buffer.startsWith('\n')) buffer = buffer.slice(1);
    pendingCR = false;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      yield* takeLine(buffer.slice(start, i));
      if (c === '\r') {
        if (i + 1 === buffer.length) pendingCR = true;
        else if (buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  // A complete last line (buffer empty) with no blank line after it still counts.
  if (buffer === '' && data.length > 0) yield { event, data: data.join('\n') };
}
