import { describe, expect, it } from 'vitest';
import { parseSse, type SseEvent } from './sse.js';
import { collect } from '../test-support/recording-clock.js';

async function* pieces(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield new TextEncoder().encode(p);
}

const events = (...parts: string[]): Promise<SseEvent[]> => collect(parseSse(pieces(...parts)));

describe('parseSse', () => {
  it('reads data lines, event names and comments across chunk boundaries', async () => {
    expect(await events(': keep-alive\n\nevent: ping\nda', 'ta: {"a"', ':1}\n\ndata: [DONE]\n\n')).toEqual([
      { event: 'ping', data: '{"a":1}' },
      { event: undefined, data: '[DONE]' },
    ]);
  });

  it('handles CRLF and CR line ends, split between chunks', async () => {
    expect(await events('data: one\r', '\n\r\ndata: two\r\rdata:three\n\n')).toEqual([
      { event: undefined, data: 'one' },
      { event: undefined, data: 'two' },
      { event: undefined, data: 'three' },
    ]);
  });

  it('joins several data lines of one event with newlines', async () => {
    expect(await events('data: a\ndata: b\n\n')).toEqual([{ event: undefined, data: 'a\nb' }]);
  });

  it('splits a multi-byte character between chunks correctly', async () => {
    const bytes = new TextEncoder().encode('data: café\n\n');
    async function* split(): AsyncGenerator<Uint8Array> {
      yield bytes.slice(0, 10);
      yield bytes.slice(10);
    }
    expect(await collect(parseSse(split()))).toEqual([{ event: undefined, data: 'café' }]);
  });

  it('delivers a last event with complete lines but drops one cut mid-line', async () => {
    expect(await events('data: [DONE]\n')).toEqual([{ event: undefined, data: '[DONE]' }]);
    expect(await events('data: {"ok":1}\n\ndata: {"cho')).toEqual([{ event: undefined, data: '{"ok":1}' }]);
  });
});
