import { describe, expect, it } from 'vitest';
import { openStore } from '../../store/open-store.js';
import type { RawTrace } from './record.js';
import { Redactor } from './redact.js';
import { storeTraceWriter } from './trace-writer.js';

const keeping = { redactor: new Redactor(), stickySecret: Buffer.alloc(32, 2) };

function raw(i: number, messagesJson = JSON.stringify([{ role: 'user', content: `question ${i}` }])): RawTrace {
  return {
    id: `t-${i}`,
    route: 'legal',
    releaseId: `sha256:${'a'.repeat(64)}`,
    arm: 'stable',
    stickyKey: `user-${i}`,
    status: 200,
    latencyMs: 1,
    promptTokens: 1,
    completionTokens: 1,
    costUsd: 0,
    slice: null,
    messagesJson,
    varsJson: '{}',
    output: `answer ${i}`,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('storeTraceWriter (traces written on the calling thread)', () => {
  it('stores the rest of a batch when one trace cannot be prepared, and counts that one', async () => {
    const store = await openStore('sqlite::memory:');
    const failed: number[] = [];
    const errors: string[] = [];
    const writer = storeTraceWriter(store, keeping, {
      onDrop: () => {},
      onFailed: (n) => failed.push(n),
      onError: (e) => errors.push((e as Error).message),
    });
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    await writer.write([raw(1), raw(2, deep), raw(3)]);
    expect((await store.listTraces()).map((t) => t.id)).toEqual(['t-1', 't-3']);
    expect(failed).toEqual([1]);
    expect(errors).toEqual([expect.stringContaining('trace t-2 could not be prepared')]);
    await store.close();
  });
});
