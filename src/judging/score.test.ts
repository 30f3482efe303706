import { describe, expect, it } from 'vitest';
import type { Judge, JudgeResult } from './judge.js';
import { binaryResult, detectorResult, judgeError } from './judge-library.js';
import { answerScore, detectorFlag, scoreAnswer } from './score.js';
import type { StoredJudgeResult } from './judge-score-store.js';
import { parseStoredResult, ScoreCache, scoreSubject } from './score-cache.js';

const judge = (name: string, result: JudgeResult | Error, calls: string[] = []): Judge => ({
  name,
  kind: 'test',
  digest: `sha256:${name.padEnd(64, '0')}`,
  async score(input) {
    calls.push(`${name}:${input.output}`);
    if (result instanceof Error) throw result;
    return result;
  },
});

const input = { input: 'q', output: 'a', slice: '*' };

describe('detectorFlag', () => {
  it("takes a detector's own flag, else a failing pass/fail score", () => {
    expect(detectorFlag({ ok: true, score: 1, flagged: true })).toBe(true);
    expect(detectorFlag({ ok: true, score: 0, flagged: false })).toBe(false);
    expect(detectorFlag({ ok: true, score: 0 })).toBe(true);
    expect(detectorFlag({ ok: true, score: 0.49 })).toBe(true);
    expect(detectorFlag({ ok: true, score: 0.5 })).toBe(false);
    expect(detectorFlag({ ok: true, score: 1 })).toBe(false);
  });
});

describe('answerScore', () => {
  it('keeps the score, the judge error and the flags of detectors that scored', () => {
    expect(
      answerScore({ ok: true, score: 0.8 }, [
        ['refusal', detectorResult(true)],
        ['format', binaryResult(false)],
        ['schema', binaryResult(true)],
        ['dates', judgeError('x')],
      ]),
    ).toEqual({ score: 0.8, judgeError: null, flags: { refusal: true, format: true, schema: false } });
    expect(answerScore(judgeError('timeout'))).toEqual({ score: null, judgeError: 'timeout', flags: {} });
    expect(answerScore(null)).toEqual({ score: null, judgeError: null, flags: {} });
  });
});

describe('scoreAnswer', () => {
  it('scores with the quality judge and each detector; a judge that throws is a judge error', async () => {
    const calls: string[] = [];
    const r = await scoreAnswer(
      {
        judge: judge('quality', new Error('down'), calls),
        detectors: [judge('format', binaryResult(false), calls), judge('dates', new Error('boom'), calls)],
      },
      input,
    );
    expect(r).toEqual({ score: null, judgeError: 'down', flags: { format: true } });
    expect(calls).toEqual(['quality:a', 'format:a', 'dates:a']);
  });

  it('reuses cached results, caches only successes, and remembers fresh ones when asked', async () => {
    const calls: string[] = [];
    const quality = judge('quality', { ok: true, score: 0.7 }, calls);
    const flaky = judge('flaky', judgeError('no'), calls);
    const stored = new Map<string, Map<string, StoredJudgeResult>>([
      [quality.digest, new Map([[scoreSubject(input), { ok: true, score: 0.9 }]])],
    ]);
    const asked: string[][] = [];
    const cache = new ScoreCache(
      {
        async judgeScores(digest, subjects) {
          asked.push([...subjects]);
          const known = stored.get(digest) ?? new Map();
          return new Map(subjects.flatMap((s) => (known.has(s) ? [[s, known.get(s)!] as const] : [])));
        },
      },
      { remember: true },
    );
    expect(await scoreAnswer({ judge: quality, detectors: [flaky] }, input, cache)).toEqual({
      score: 0.9,
      judgeError: null,
      flags: {},
    });
    expect(calls).toEqual(['flaky:a']);
    expect(cache.hasPending).toBe(false);
    const other = { ...input, output: 'b' };
    await scoreAnswer({ judge: quality, detectors: [] }, other, cache);
    await scoreAnswer({ judge: quality, detectors: [] }, other, cache);
    expect(calls).toEqual(['flaky:a', 'quality:b']);
    expect(cache.takePending()).toEqual([
      [quality.digest, [{ subject: scoreSubject(other), result: { ok: true, score: 0.7 } }]],
    ]);
    expect(cache.hasPending).toBe(false);
    // Only the subjects scored were read; the remembered one was not read again.
    expect(asked).toEqual([[scoreSubject(input)], [scoreSubject(input)], [scoreSubject(other)]]);
  });

  it('judges again when a stored result is not one', () => {
    expect(parseStoredResult('{"ok":true,"score":0.5,"flagged":true,"reason":"r"}')).toEqual({
      ok: true,
      score: 0.5,
      flagged: true,
      reason: 'r',
    });
    expect(parseStoredResult('not json')).toBeUndefined();
    expect(parseStoredResult('{"ok":false,"code":"judge_error","message":"x"}')).toBeUndefined();
    expect(parseStoredResult('{"ok":true,"score":"1"}')).toBeUndefined();
    expect(parseStoredResult('{"ok":true,"score":1,"flagged":"yes"}')).toBeUndefined();
  });
});
