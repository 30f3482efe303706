import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.js';
import { gateFixture, sliceFixture } from './test-support/fixture.js';

const attrsOf = (html: string, selector: RegExp) => [...html.matchAll(selector)].map((m) => m[1] ?? '');

describe('renderHtml', () => {
  it('is one self-contained page: no external references, no scripts', () => {
    const html = renderHtml(
      gateFixture({ override: { actor: 'dana', reason: 'known gap', at: '2025-06-03T15:00:00Z' } }),
    );
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(
      /\b(?:src|href|xlink:href|action)\s*=|url\(|@import|<script|<link|<iframe|<object|<embed|<img/i,
    );
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html.match(/<style>/g)).toHaveLength(1);
  });

  it('heads with the verdict, the short ids and the override', () => {
    const html = renderHtml(
      gateFixture({ override: { actor: 'dana', reason: 'known gap', at: '2025-06-03T15:00:00Z' } }),
    );
    expect(html).toContain('<title>Sluice gate: fail — release 3f9a2c71d0b4 vs baseline 8e1d5b0c6a27</title>');
    expect(html).toMatch(/✗ Sluice gate: <span style="color:#cf222e">fail<\/span>/);
    expect(html).toContain('<strong>Overridden</strong> by dana at 2025-06-03T15:00:00Z: known gap');
    expect(html).toContain('aggregate 0.64 over 120 items');
  });

  it('draws one bar per slice, worst first, with whisker, threshold tick and baseline marker', () => {
    const result = gateFixture();
    const html = renderHtml(result);
    expect(attrsOf(html, /<rect class="bar" data-slice="([^"]*)"/g)).toEqual([
      'legal/ip-licensing',
      'fr/fr-BE',
      'legal/tax',
      'legal',
      'fr',
      'legal/employment',
      'fr/fr-FR',
      'legal/contracts',
    ]);
    expect(html.match(/class="whisker"/g)).toHaveLength(result.slices.length);
    expect(html.match(/class="threshold"/g)).toHaveLength(result.slices.length);
    expect(html.match(/<circle class="baseline"[^>]*fill="#ffffff"/g)).toHaveLength(result.slices.length);
    // Axis from x=10 to x=310: 0.41 → 123.0 wide, its threshold 0.60 at 190.0, its baseline 0.68 at 214.0.
    const ip = html.slice(html.indexOf('data-slice="legal/ip-licensing"'));
    expect(ip).toMatch(/^data-slice="legal\/ip-licensing" x="10.0" y="5" width="123.0" height="12" fill="#cf222e"/);
    expect(ip).toMatch(/class="threshold" x1="190.0" x2="190.0"/);
    expect(ip).toMatch(/class="baseline" cx="214.0"/);
    expect(html).toMatch(/data-slice="legal\/tax"[^>]*fill="#9a6700"/);
    expect(html).toMatch(/data-slice="legal"[^>]*fill="#1a7f37"/);
  });

  it('still draws a slice without score, interval, threshold or baseline', () => {
    const html = renderHtml(
      gateFixture({
        baseline: null,
        slices: [
          sliceFixture({
            slice: 'new',
            score: null,
            ci: null,
            min: null,
            baseline_score: null,
            delta: null,
            verdict: 'review',
            reasons: ['no scored items'],
          }),
        ],
      }),
    );
    expect(html).toMatch(/<rect class="bar" data-slice="new" x="10.0" y="5" width="0.0"/);
    expect(html).not.toMatch(/class="(?:whisker|threshold|baseline)"/);
    expect(html).toContain('no baseline');
  });

  it('escapes every piece of text it is given', () => {
    const evil = '<script>alert(1)</script>';
    const html = renderHtml(
      gateFixture({
        slices: [
          sliceFixture({ slice: evil, verdict: 'fail', reasons: ['"><img src=x onerror=alert(1)>', "it's & \u0007"] }),
        ],
        checks: [{ name: evil, value: 1, limit: '<b>', ok: false, kind: 'hard', message: '</td></tr></table>' }],
        detectors: { [evil]: 0.5 },
        override: { actor: '<i>mallory</i>', reason: evil, at: '"now"' },
        judge: '<judge>',
      }),
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<i>');
    expect(html).not.toContain('</td></tr></table>');
    expect(html).not.toContain('\u0007');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('data-slice="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;; it&apos;s &amp; ');
  });

  it('lists checks and detector rates and the run facts', () => {
    const html = renderHtml(gateFixture());
    expect(html).toContain(
      '<tr data-ok="true"><th scope="row">error_rate</th><td>hard</td><td class="num">0.0083</td><td class="num">0.01</td>',
    );
    expect(html).toContain('<tr><th scope="row">refusal</th><td class="num">1.0%</td></tr>');
    expect(html).toContain('<dt>latency p95</dt><dd>812 ms (baseline 766 ms, ×1.06)</dd>');
    expect(html).toContain('<dt>cost</dt><dd>$0.4821 (baseline $0.4310, ×1.12)</dd>');
  });
});
