import { describe, expect, it } from 'vitest';
import { parseSse, SseLineTooLong, type SseEvent } from './sse.js';
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

  it('ends a stream whose line grows past the limit, whether the line ends or not', async () => {
    const long = `data: ${'x'.repeat(2000)}`;
    await expect(
      collect(parseSse(pieces('data: ok\n\n', long.slice(0, 900), long.slice(900)), { maxLineBytes: 1024 })),
    ).rejects.toBeInstanceOf(SseLineTooLong);
    await expect(collect(parseSse(pieces(`${long}\n\n`), { maxLineBytes: 1024 }))).rejects.toThrow(
      'an event-stream line is longer than 1024 bytes',
    );
    expect(await collect(parseSse(pieces(`${long}\n\n`), { maxLineBytes: 4096 }))).toHaveLength(1);
  });

  it('reads a line arriving in thousands of small chunks once (quadratic rescanning would not finish)', async () => {
    const size = 8 * 1024 * 1024;
    const piece = new Uint8Array(1024).fill(0x61);
    async function* trickle(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('data: ');
      for (let sent = 0; sent < size; sent += piece.length) yield piece;
      yield new TextEncoder().encode('\n\n');
    }
    const [only] = await collect(parseSse(trickle()));
    expect(only!.data.length).toBe(size);
  });
});
