import type { GateResult, SliceResult, Verdict } from '../core/gate-result.js';
import { htmlPage } from './html-page.js';
import { escapeMarkup as h } from './escape.js';
import { htmlFactsSection } from './html-facts.js';
import { unitAxis, unitScale } from './unit-axis.js';
import { fixed, percent } from './format.js';
import { checkLimit, checkValue, partialLine, releaseLine, runFacts } from './gate-facts.js';
import { reasons, SLICE_FIGURES, scoreWithCi, sliceFigures, worstFirst } from './slice-figures.js';

const COLOR: Readonly<Record<Verdict, string>> = { pass: '#1a7f37', fail: '#cf222e', review: '#9a6700' };
/** Text symbols rather than emoji, which need a color font the viewer may not have. */
const SYMBOL: Readonly<Record<Verdict, string>> = { pass: '✓', fail: '✗', review: '⚠' };
const TINT: Readonly<Record<Verdict, string>> = { pass: '#dafbe1', fail: '#ffebe9', review: '#fff8c5' };

/** The chart column: a 0–1 axis drawn between PAD and WIDTH − PAD. */
const WIDTH = 320;
const PAD = 10;
const ROW_HEIGHT = 30;
const BAR_TOP = 5;
const BAR_HEIGHT = 12;
const MARKER_Y = 24;

const x = unitScale(WIDTH, PAD);

/**
 * The gate as one self-contained HTML page: inline CSS and SVG, no scripts and
 * no external resources (a Content-Security-Policy forbids both). Slices come
 * worst first, each a bar of its score with its interval as a whisker, a tick at
 * its threshold and a hollow circle at the baseline's score.
 */
export function renderHtml(result: GateResult): string {
  const v = result.verdict;
  const title = `Sluice gate: ${v} — ${releaseLine(result)}`;
  const o = result.override;
  const partial = partialLine(result);
  const notes =
    (o ? `<p class="note"><strong>Overridden</strong> by ${h(o.actor)} at ${h(o.at)}: ${h(o.reason)}</p>` : '') +
    (partial ? `<p class="note"><strong>${h(partial)}</strong></p>` : '');
  return htmlPage(
    title,
    STYLE,
    `<header class="verdict" style="border-color:${COLOR[v]};background:${TINT[v]}">
<h1>${SYMBOL[v]} Sluice gate: <span style="color:${COLOR[v]}">${h(v)}</span></h1>
<p>${h(releaseLine(result))} · aggregate ${h(fixed(result.aggregate.score))} over ${result.aggregate.n} items</p>
${notes}</header>
${slicesSection(result.slices)}
${checksSection(result)}
${detectorsSection(result)}
${htmlFactsSection(runFacts(result))}
<footer>Sluice gate result ${h(result.digest)}</footer>
`,
  );
}

function slicesSection(slices: readonly SliceResult[]): string {
  if (slices.length === 0) return '<section><h2>Slices</h2><p>No slices were judged.</p></section>';
  const head = ['slice', unitAxis(WIDTH, PAD), ...SLICE_FIGURES, 'verdict', 'reasons'];
  const rows = worstFirst(slices).map(
    (s) =>
      `<tr class="slice" data-verdict="${s.verdict}"><th scope="row">${h(s.slice)}</th><td>${chart(s)}</td>` +
      sliceFigures(s)
        .map((c) => `<td class="num">${h(c)}</td>`)
        .join('') +
      `<td class="verdict-cell" style="color:${COLOR[s.verdict]}">${SYMBOL[s.verdict]} ${s.verdict}</td><td>${h(reasons(s))}</td></tr>`,
  );
  return `<section><h2>Slices</h2>
<table class="slices"><thead><tr>${head.map((c, i) => `<th>${i === 1 ? c : h(c)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
<p class="legend">Bar: score · whisker: confidence interval · dark tick: threshold (min) · hollow circle: baseline score.</p>
</section>`;
}

/** One slice's bar, whisker, threshold tick and baseline marker. */
function chart(s: SliceResult): string {
  const color = COLOR[s.verdict];
  const mid = BAR_TOP + BAR_HEIGHT / 2;
  const score = s.score ?? 0;
  const parts = [
    ...[0.25, 0.5, 0.75].map(
      (t) => `<line x1="${x(t)}" x2="${x(t)}" y1="0" y2="${ROW_HEIGHT}" stroke="#d0d7de" stroke-dasharray="2 3"/>`,
    ),
    `<rect class="bar" data-slice="${h(s.slice)}" x="${x(0)}" y="${BAR_TOP}" width="${(Number(x(score)) - PAD).toFixed(1)}" height="${BAR_HEIGHT}" fill="${color}" fill-opacity="0.75"/>`,
  ];
  if (s.ci) {
    const [lo, hi] = [x(s.ci[0]), x(s.ci[1])];
    parts.push(
      `<g class="whisker" stroke="#24292f" stroke-width="1.5"><line x1="${lo}" x2="${hi}" y1="${mid}" y2="${mid}"/>` +
        `<line x1="${lo}" x2="${lo}" y1="${mid - 4}" y2="${mid + 4}"/><line x1="${hi}" x2="${hi}" y1="${mid - 4}" y2="${mid + 4}"/></g>`,
    );
  }
  if (s.min !== null)
    parts.push(
      `<line class="threshold" x1="${x(s.min)}" x2="${x(s.min)}" y1="1" y2="${BAR_TOP + BAR_HEIGHT + 4}" stroke="#24292f" stroke-width="3"/>`,
    );
  if (s.baseline_score !== null) {
    parts.push(
      `<circle class="baseline" cx="${x(s.baseline_score)}" cy="${MARKER_Y}" r="4" fill="#ffffff" stroke="${color}" stroke-width="2"/>`,
    );
  }
  const label = `${s.slice}: score ${scoreWithCi(s)}, min ${fixed(s.min)}, baseline ${fixed(s.baseline_score)}, ${s.verdict}`;
  return `<svg class="chart" width="${WIDTH}" height="${ROW_HEIGHT}" viewBox="0 0 ${WIDTH} ${ROW_HEIGHT}" role="img" aria-label="${h(label)}"><title>${h(label)}</title>${parts.join('')}</svg>`;
}

function checksSection(result: GateResult): string {
  if (result.checks.length === 0) return '';
  const rows = result.checks.map((c) => {
    const state: Verdict = c.ok ? 'pass' : c.kind === 'hard' ? 'fail' : 'review';
    return (
      `<tr data-ok="${c.ok}"><th scope="row">${h(c.name)}</th><td>${c.kind}</td><td class="num">${h(checkValue(c))}</td><td class="num">${h(checkLimit(c))}</td>` +
      `<td class="verdict-cell" style="color:${COLOR[state]}">${SYMBOL[state]} ${c.ok ? 'ok' : 'failed'}</td><td>${h(c.message)}</td></tr>`
    );
  });
  return `<section><h2>Checks</h2><table><thead><tr><th>check</th><th>kind</th><th>value</th><th>limit</th><th>result</th><th>detail</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></section>`;
}

function detectorsSection(result: GateResult): string {
  const rows = Object.entries(result.detectors).map(
    ([name, rate]) => `<tr><th scope="row">${h(name)}</th><td class="num">${h(percent(rate))}</td></tr>`,
  );
  if (rows.length === 0) return '';
  return `<section><h2>Detectors</h2><table><thead><tr><th>detector</th><th>rate</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#24292f;margin:24px;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
.verdict{border-left:6px solid;padding:12px 16px;border-radius:6px}.verdict p{margin:2px 0}
.note{font-weight:normal}
table{border-collapse:collapse}th,td{padding:4px 8px;border-bottom:1px solid #d8dee4;text-align:left;vertical-align:middle}
thead th{border-bottom:2px solid #afb8c1;font-weight:600}tbody th{font-weight:600;white-space:nowrap}
td.verdict-cell{white-space:nowrap}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
svg{display:block}svg.axis text{font-size:10px;fill:#57606a}
.legend{color:#57606a;font-size:12px}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{color:#57606a}dd{margin:0}
footer{margin-top:24px;color:#57606a;font-size:12px;word-break:break-all}
`;
