import { describe, expect, it } from 'vitest';
import { stickyHash } from '../routing/sticky.js';
import { Redactor } from './redact.js';
import { toShadowPairRecord, toTraceRecord, type RawShadowPair, type RawTrace } from './record.js';

const question = 'Mail ana.lopez@example.com or call +33 6 12 34 56 78 about card 4111 1111 1111 1111.';
const answer = 'Sent to ana.lopez@example.com.';

describe('stored records: one redaction for traces and shadow pairs', () => {
  it('redacts a shadow pair as a trace, and hashes its sticky key', () => {
    const trace: RawTrace = {
      id: 't',
      route: 'legal',
      releaseId: 'sha256:a',
      arm: 'stable',
      stickyKey: 'user-1',
      status: 200,
      latencyMs: 1,
      promptTokens: 1,
      completionTokens: 1,
      costUsd: 0,
      slice: null,
      messagesJson: JSON.stringify([{ role: 'user', content: question }]),
      varsJson: '{}',
      output: answer,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    const pair: RawShadowPair = {
      id: 't',
      route: 'legal',
      stableRelease: 'sha256:a',
      shadowRelease: 'sha256:b',
      slice: 'fr',
      stickyKey: 'user-1',
      input: question,
      stableOutput: answer,
      shadowOutput: `${answer} Or +33 6 12 34 56 78.`,
      stableLatencyMs: 1,
      shadowLatencyMs: 2,
      stableCostUsd: 0,
      shadowCostUsd: 0,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    const keeping = { redactor: new Redactor(), stickySecret: Buffer.alloc(32, 1) };
    const t = toTraceRecord(trace, keeping);
    const p = toShadowPairRecord(pair, keeping);
    expect(JSON.parse(t.input)).toEqual([{ role: 'user', content: p.input }]);
    expect(p.input).toBe('Mail [EMAIL] or call [PHONE] about card [CARD].');
    expect(p.stableOutput).toBe(t.output);
    expect(p.shadowOutput).toBe('Sent to [EMAIL]. Or [PHONE].');
    expect(p.stickyHash).toBe(stickyHash('user-1', keeping.stickySecret));
    expect(t.stickyHash).toBe(p.stickyHash);
    expect(toShadowPairRecord({ ...pair, stickyKey: null }, keeping).stickyHash).toBeNull();
  });
});
