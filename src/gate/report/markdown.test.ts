import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';
import { gateFixture, sliceFixture } from './test-support/fixture.js';

/** The rows of the Markdown table whose header starts with `| first |`, split on unescaped pipes. */
function tableRows(markdown: string, first: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

describe('renderMarkdown', () => {
  it('heads with the verdict and the short release and baseline ids', () => {
    const md = renderMarkdown(gateFixture());
    expect(md.split('\n')[0]).toBe('### ❌ Sluice gate: fail — release `3f9a2c71d0b4` vs baseline `8e1d5b0c6a27`');
    expect(renderMarkdown(gateFixture({ verdict: 'pass' })).startsWith('### ✅ Sluice gate: pass')).toBe(true);
    expect(renderMarkdown(gateFixture({ verdict: 'review', baseline: null })).split('\n')[0]).toBe(
      '### ⚠️ Sluice gate: review — release `3f9a2c71d0b4` vs no baseline',
    );
    expect(md).toContain('Aggregate 0.64 over 120 items.');
    expect(md).not.toContain('Overridden');
  });

  it('lists slices worst first with every column', () => {
    const rows = tableRows(renderMarkdown(gateFixture()), 'slice');
    expect(rows[0]).toEqual([
      'slice',
      'n',
      'score \\[ci\\]',
      'min',
      'baseline',
      'Δ',
      'calibration ρ',
      'verdict',
      'reasons',
    ]);
    expect(rows[1]).toEqual(['---', '---', '---', '---', '---', '---', '---', '---', '---']);
    expect(rows.slice(2).map((r) => r[0])).toEqual([
      'legal/ip-licensing',
      'fr/fr-BE',
      'legal/tax',
      'legal',
      'fr',
      'legal/employment',
      'fr/fr-FR',
      'legal/contracts',
    ]);
    expect(rows[2]).toEqual([
      'legal/ip-licensing',
      '20',
      '0.41 \\[0.37, 0.45\\]',
      '0.60',
      '0.68',
      '-0.27',
      '0.83',
      '❌ fail',
      'score 0.41 &lt; min 0.60; drop 0.27 &gt; max\\_drop 0.05',
    ]);
    expect(rows[3]![6]).toBe('0.77 (from fr)');
    expect(rows[4]!.slice(7)).toEqual(['⚠️ review', '6 items &lt; min\\_items 10']);
    expect(rows[5]!.slice(5, 8)).toEqual(['+0.01', '0.83', '✅ pass']);
  });

  it('shows the override and a partial run', () => {
    const md = renderMarkdown(
      gateFixture({
        override: { actor: 'dana', reason: 'IP gap known; fix in 1.3.1', at: '2025-06-03T15:00:00Z' },
        partial: { reason: 'max cost $5 reached', items_done: 80, items_total: 120 },
      }),
    );
    expect(md).toContain('> **Overridden** by dana at 2025-06-03T15:00:00Z: IP gap known; fix in 1.3.1');
    expect(md).toContain('> **partial run: max cost $5 reached (80 of 120 items)**');
  });

  it('keeps tables intact whatever the slice names and reasons hold', () => {
    const md = renderMarkdown(
      gateFixture({
        slices: [
          sliceFixture({ slice: 'a|b', verdict: 'fail', reasons: ['x | y', 'line\nbreak', 'back\\slash|pipe'] }),
          sliceFixture({ slice: '<img src=x>`*_~[z](u)', score: null, ci: null }),
        ],
        checks: [{ name: 'c|d', value: 2, limit: 'e|f', ok: false, kind: 'hard', message: '| lead' }],
        detectors: { 'det|ector': 0.5 },
      }),
    );
    for (const [first, columns] of [
      ['slice', 9],
      ['check', 6],
      ['detector', 2],
    ] as const) {
      const rows = tableRows(md, first);
      for (const row of rows) expect(row).toHaveLength(columns);
    }
    const rows = tableRows(md, 'slice');
    expect(rows[2]![0]).toBe('a\\|b');
    expect(rows[2]![8]).toBe('x \\| y; line break; back\\\\slash\\|pipe');
    expect(rows[3]![0]).toBe('&lt;img src=x&gt;\\`\\*\\_\\~\\[z\\](u)');
    expect(rows[3]![2]).toBe('—');
    expect(md).not.toContain('<img');
  });

  it('ends with checks, detector rates and latency, errors and cost', () => {
    const md = renderMarkdown(gateFixture());
    const checks = tableRows(md, 'check');
    expect(checks[0]).toEqual(['check', 'kind', 'value', 'limit', 'result', 'detail']);
    expect(checks[2]!.slice(0, 5)).toEqual(['error\\_rate', 'hard', '0.0083', '0.01', '✅ ok']);
    expect(tableRows(md, 'detector').slice(2)).toEqual([
      ['refusal', '1.0%'],
      ['dates', '0.0%'],
    ]);
    expect(md).toContain('latency p95: 812 ms (baseline 766 ms, ×1.06)');
    expect(md).toContain('error rate: 0.8%');
    expect(md).toContain('cost: $0.4821 (baseline $0.4310, ×1.12)');
    expect(md).toContain('tokens: 183,402');
  });
});
