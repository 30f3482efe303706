import { describe, expect, it } from 'vitest';
import { analyzeShadow, type PairJudgement, type PairStats } from '../src/shadow/core/shadow-analysis.js';
import { renderShadowHtml, renderShadowMarkdown, renderShadowText, shadowLean } from '../src/shadow/render.js';
import type { ShadowReport } from '../src/shadow/report.js';

const STABLE = `sha256:${'a'.repeat(64)}`;
const SHADOW = `sha256:${'b'.repeat(64)}`;

function report(judgements: PairJudgement[], stats: PairStats[]): ShadowReport {
  const a = analyzeShadow(judgements, stats);
  return {
    route: 'legal',
    shadowRelease: SHADOW,
    stableReleases: [STABLE],
    pairs: stats.length,
    pairsStored: stats.length,
    method: 'pairwise',
    judge: 'quality',
    promptVersion: 'sluice-pairwise/1',
    refusalDetector: 'refusal',
    judged: judgements.length,
    judgeErrors: 1,
    judgeErrorSamples: ['p9: stable-first order: <b>bad</b> | reply'],
    firstPairAt: '2026-01-01T00:00:00.000Z',
    lastPairAt: '2026-01-01T01:00:00.000Z',
    generatedAt: '2026-01-01T02:00:00.000Z',
    overall: a.overall,
    slices: a.slices,
  };
}

const answer = (text: string, refused = false) => ({ text, latencyMs: 100, costUsd: 0.001, refused });
const j = (slice: string, side: 'stable' | 'shadow' | 'tie', second = side): PairJudgement => ({
  slice,
  firstOrder: side,
  secondOrder: second,
});
const times = <T>(n: number, f: () => T): T[] => Array.from({ length: n }, f);

describe('shadow report renderers', () => {
  const hostile = '<script>alert(1)</script>|x';
  const r = report(
    [
      ...times(30, () => j('fr/fr-BE', 'shadow')),
      ...times(20, () => j('de', 'stable')),
      j(hostile, 'shadow', 'stable'),
    ],
    [
      ...times(30, () => ({ slice: 'fr/fr-BE', stable: answer('short'), shadow: answer('a longer answer') })),
      { slice: hostile, stable: answer('x'), shadow: answer('I cannot help', true) },
    ],
  );

  it('says where the interval lies against one half', () => {
    expect(shadowLean(r.slices.find((s) => s.slice === 'fr/fr-BE')!)).toBe('better');
    expect(shadowLean(r.slices.find((s) => s.slice === 'de')!)).toBe('worse');
    expect(shadowLean(r.slices.find((s) => s.slice === hostile)!)).toBe('no clear difference');
    expect(
      shadowLean({
        judged: { n: 0, shadowWins: 0, stableWins: 0, ties: 0, splitVerdicts: 0, winRate: null, ci: null },
      }),
    ).toBe('not judged');
  });

  it('writes Markdown with every cell escaped and a row per slice', () => {
    const md = renderShadowMarkdown(r);
    expect(md).toContain('### Sluice shadow: legal — shadow `bbbbbbbbbbbb` vs stable `aaaaaaaaaaaa`');
    expect(md).toMatch(/\n\| fr\/fr-BE \| 30 \| 30 \| 30 \/ 0 \/ 0 \| 0 \| 1\.00 \\\[0\.\d\d, 1\.00\\\] \| better \|/);
    expect(md).toMatch(/\n\| fr \| 30 \|/);
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;\\|x');
    expect(md).not.toContain('<script>');
    expect(md).toContain('1 pairs could not be judged');
  });

  it('writes one self-contained HTML page with nothing unescaped', () => {
    const page = renderShadowHtml(r);
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"");
    expect(page).not.toMatch(/<script|src=|href=/);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;|x');
    expect(page).toContain('&lt;b&gt;bad&lt;/b&gt;');
    expect(page.match(/<tr class="slice"/g)).toHaveLength(1 + r.slices.length);
    expect(page).toContain('data-lean="worse"');
  });

  it('sums a report up for the terminal', () => {
    const text = renderShadowText(r);
    expect(text.split('\n')[0]).toBe('shadow report for legal: shadow bbbbbbbbbbbb vs stable aaaaaaaaaaaa');
    expect(text).toMatch(/win rate 0\.\d\d \[0\.\d\d, 0\.\d\d\] over 51 judged pairs/);
  });
});
