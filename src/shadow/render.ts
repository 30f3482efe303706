import { escapeMarkdown as md, escapeMarkup as h } from '../gate/report/escape.js';
import { htmlFactsSection } from '../gate/report/html-facts.js';
import { htmlPage } from '../gate/report/html-page.js';
import { markdownFacts, markdownTable } from '../gate/report/markdown-blocks.js';
import { compact, percent, signed } from '../gate/report/format.js';
import { unitAxis, unitScale } from '../gate/report/unit-axis.js';
import { shortId } from '../release/release-id.js';
import type { ArmComparison, ShadowSliceReport } from './core/shadow-analysis.js';
import type { ShadowReport } from './report.js';

/** What the interval says about the shadow against the stable. */
export type ShadowLean = 'better' | 'worse' | 'no clear difference' | 'not judged';

/** The shadow is better (worse) when the whole win-rate interval lies above (below) one half. */
export function shadowLean(s: Pick<ShadowSliceReport, 'judged'>): ShadowLean {
  const ci = s.judged.ci;
  if (!ci || s.judged.n === 0) return 'not judged';
  if (ci.lower > 0.5) return 'better';
  if (ci.upper < 0.5) return 'worse';
  return 'no clear difference';
}

/** "0.62 [0.51, 0.72]", or "—" when nothing was judged. */
export function winRateText(s: Pick<ShadowSliceReport, 'judged'>): string {
  const { winRate, ci } = s.judged;
  if (winRate === null) return '—';
  return ci ? `${winRate.toFixed(2)} [${ci.lower.toFixed(2)}, ${ci.upper.toFixed(2)}]` : winRate.toFixed(2);
}

function delta(c: ArmComparison | null, show: (v: number) => string, signedShow: (v: number) => string): string {
  return c ? `${show(c.stable)} → ${show(c.shadow)} (${signedShow(c.delta)})` : '—';
}

const ms = (v: number) => `${Math.round(v)} ms`;
const signedMs = (v: number) => {
  const n = Math.round(Math.abs(v));
  return `${n === 0 ? '' : v > 0 ? '+' : '-'}${n} ms`;
};
const dollars = (v: number) => `$${compact(v)}`;
const signedDollars = (v: number) => `${v > 0 ? '+' : v < 0 ? '-' : ''}$${compact(Math.abs(v))}`;
const signedPoints = (v: number) => {
  const text = `${(Math.abs(v) * 100).toFixed(1)} pp`;
  return Number((Math.abs(v) * 100).toFixed(1)) === 0 ? text : `${v < 0 ? '-' : '+'}${text}`;
};
const chars = (v: number) => `${Math.round(v)}`;
const signedChars = (v: number) => signed(v, 0);

/** One slice as display cells, in the tables' column order. */
function cells(s: ShadowSliceReport): string[] {
  const j = s.judged;
  return [
    s.slice,
    String(s.pairs),
    String(j.n),
    `${j.shadowWins} / ${j.stableWins} / ${j.ties}`,
    String(j.splitVerdicts),
    winRateText(s),
    shadowLean(s),
    delta(s.refusalRate, (v) => percent(v), signedPoints),
    delta(s.meanLengthChars, chars, signedChars),
    delta(s.meanLatencyMs, ms, signedMs),
    delta(s.p95LatencyMs, ms, signedMs),
    delta(s.meanCostUsd, dollars, signedDollars),
  ];
}

const HEAD = [
  'slice',
  'pairs',
  'judged',
  'wins shadow / stable / ties',
  'split',
  'win rate [95% ci]',
  'shadow is',
  'refusal rate',
  'mean length (chars)',
  'mean latency',
  'p95 latency',
  'mean cost',
];

function rows(r: ShadowReport): ShadowSliceReport[] {
  return [r.overall, ...r.slices];
}

function releasesLine(r: ShadowReport, wrap: (hex: string) => string = (x) => x): string {
  if (r.stableReleases.length === 0) return `shadow ${wrap(shortId(r.shadowRelease))} (no pairs yet)`;
  return `shadow ${wrap(shortId(r.shadowRelease))} vs stable ${r.stableReleases.map((id) => wrap(shortId(id))).join(', ')}`;
}

/** The facts under the tables: how the pairs were judged and over what. */
export function reportFacts(r: ShadowReport): Array<readonly [string, string]> {
  const method =
    r.method === 'pairwise'
      ? `pairwise, both orders (${r.promptVersion})`
      : r.method === 'scores'
        ? 'absolute scores (higher wins)'
        : 'not judged (no gate judge)';
  return [
    ['route', r.route],
    ['judge', r.judge ?? '—'],
    ['method', method],
    ['refusal detector', r.refusalDetector ?? 'none'],
    ['pairs', r.pairs === r.pairsStored ? String(r.pairs) : `${r.pairs} most recent of ${r.pairsStored}`],
    ['judge errors', String(r.judgeErrors)],
    ['period', r.firstPairAt && r.lastPairAt ? `${r.firstPairAt} – ${r.lastPairAt}` : '—'],
    ['generated at', r.generatedAt],
  ];
}

function headline(r: ShadowReport): string {
  const lean = shadowLean(r.overall);
  const rate = winRateText(r.overall);
  return lean === 'not judged'
    ? `${r.pairs} pairs, none judged`
    : `win rate ${rate} over ${r.overall.judged.n} judged pairs: shadow ${lean === 'no clear difference' ? 'shows no clear difference' : `is ${lean}`}`;
}

/** A short text summary for a terminal. */
export function renderShadowText(r: ShadowReport): string {
  const lines = [`shadow report for ${r.route}: ${releasesLine(r)}`, `  ${headline(r)}`];
  for (const s of rows(r)) {
    const c = cells(s);
    lines.push(
      `  ${s.slice.padEnd(24)} pairs=${String(s.pairs).padEnd(5)} win rate ${c[5]!.padEnd(20)} ${c[6]!.padEnd(20)} refusal ${c[7]}  length ${c[8]}  latency ${c[9]}  cost ${c[11]}`,
    );
  }
  if (r.judgeErrors > 0)
    lines.push(`  ${r.judgeErrors} pairs could not be judged, e.g. ${r.judgeErrorSamples[0] ?? ''}`);
  lines.push(
    `  ${reportFacts(r)
      .filter(([k]) => k === 'method' || k === 'refusal detector')
      .map(([k, v]) => `${k}: ${v}`)
      .join(' · ')}`,
  );
  return lines.join('\n');
}

/**
 * The shadow analysis as Markdown (a pull-request comment): the overall win
 * rate of the shadow with its interval, then every slice with its win rate
 * and the shadow − stable deltas, then how it was judged.
 */
export function renderShadowMarkdown(r: ShadowReport): string {
  const out = [
    `### Sluice shadow: ${md(r.route)} — ${releasesLine(r, (id) => `\`${id}\``)}`,
    '',
    `**${md(headline(r))}**`,
    '',
  ];
  out.push(...markdownTable(HEAD, rows(r).map(cells)), '');
  out.push(
    'Win rate = (shadow wins + ties / 2) / judged pairs. A pair is a win only when both orders (stable shown first, shadow shown first) name the same release; split verdicts count as ties. Deltas read stable → shadow (shadow − stable).',
    '',
  );
  if (r.judgeErrors > 0)
    out.push(
      `> ${r.judgeErrors} pairs could not be judged and are left out of the win rates${r.judgeErrorSamples[0] ? `, e.g. ${md(r.judgeErrorSamples[0])}` : ''}.`,
      '',
    );
  out.push(markdownFacts(reportFacts(r)), '');
  return out.join('\n');
}

const LEAN_COLOR: Readonly<Record<ShadowLean, string>> = {
  better: '#1a7f37',
  worse: '#cf222e',
  'no clear difference': '#57606a',
  'not judged': '#8c959f',
};

/** The chart column: a 0–1 win-rate axis between PAD and WIDTH − PAD. */
const WIDTH = 280;
const PAD = 10;
const ROW_HEIGHT = 26;
const x = unitScale(WIDTH, PAD);

/** A slice's win rate as a dot with its interval as a whisker, against the line at one half (no difference). */
function chart(s: ShadowSliceReport): string {
  const mid = ROW_HEIGHT / 2;
  const lean = shadowLean(s);
  const color = LEAN_COLOR[lean];
  const parts = [
    `<line class="even" x1="${x(0.5)}" x2="${x(0.5)}" y1="0" y2="${ROW_HEIGHT}" stroke="#8c959f" stroke-dasharray="3 3"/>`,
  ];
  const { winRate, ci } = s.judged;
  if (ci) {
    const [lo, hi] = [x(ci.lower), x(ci.upper)];
    parts.push(
      `<g class="whisker" stroke="${color}" stroke-width="2"><line x1="${lo}" x2="${hi}" y1="${mid}" y2="${mid}"/>` +
        `<line x1="${lo}" x2="${lo}" y1="${mid - 5}" y2="${mid + 5}"/><line x1="${hi}" x2="${hi}" y1="${mid - 5}" y2="${mid + 5}"/></g>`,
    );
  }
  if (winRate !== null)
    parts.push(
      `<circle class="win-rate" data-slice="${h(s.slice)}" cx="${x(winRate)}" cy="${mid}" r="5" fill="${color}"/>`,
    );
  const label = `${s.slice}: win rate ${winRateText(s)}, shadow ${lean}`;
  return `<svg class="chart" width="${WIDTH}" height="${ROW_HEIGHT}" viewBox="0 0 ${WIDTH} ${ROW_HEIGHT}" role="img" aria-label="${h(label)}"><title>${h(label)}</title>${parts.join('')}</svg>`;
}

/**
 * The shadow analysis as one self-contained HTML page: inline CSS and SVG, no
 * scripts and no external resources (a Content-Security-Policy forbids both).
 * Each slice shows its win rate as a dot with its interval, against the line
 * at one half where neither release is preferred.
 */
export function renderShadowHtml(r: ShadowReport): string {
  const lean = shadowLean(r.overall);
  const color = LEAN_COLOR[lean];
  const title = `Sluice shadow: ${r.route} — ${releasesLine(r)}`;
  const body = rows(r).map((s) => {
    const c = cells(s);
    const numbers = c
      .slice(1, 6)
      .map((v) => `<td class="num">${h(v)}</td>`)
      .join('');
    const deltas = c
      .slice(7)
      .map((v) => `<td class="num">${h(v)}</td>`)
      .join('');
    return `<tr class="slice" data-slice="${h(s.slice)}" data-lean="${h(shadowLean(s))}"><th scope="row">${h(s.slice)}</th><td>${chart(s)}</td>${numbers}<td style="color:${LEAN_COLOR[shadowLean(s)]}">${h(c[6]!)}</td>${deltas}</tr>`;
  });
  const head = ['slice', unitAxis(WIDTH, PAD), ...HEAD.slice(1)];
  const errors =
    r.judgeErrors > 0
      ? `<p class="note">${r.judgeErrors} pairs could not be judged and are left out of the win rates${r.judgeErrorSamples[0] ? `, e.g. ${h(r.judgeErrorSamples[0])}` : ''}.</p>`
      : '';
  return htmlPage(
    title,
    STYLE,
    `<header class="summary" style="border-color:${color}">
<h1>Sluice shadow: ${h(r.route)}</h1>
<p>${h(releasesLine(r))}</p>
<p><strong style="color:${color}">${h(headline(r))}</strong></p>
${errors}</header>
<section><h2>Slices</h2>
<table class="slices"><thead><tr>${head.map((c, i) => `<th>${i === 1 ? c : h(c)}</th>`).join('')}</tr></thead>
<tbody>
${body.join('\n')}
</tbody></table>
<p class="legend">Dot: win rate of the shadow = (shadow wins + ties / 2) / judged pairs · whisker: 95% interval · dashed line: 0.5, no difference. A pair is a win only when both orders (stable shown first, shadow shown first) agree; split verdicts count as ties. Deltas read stable → shadow (shadow − stable).</p>
</section>
${htmlFactsSection(reportFacts(r))}
<footer>shadow ${h(r.shadowRelease)} · stable ${h(r.stableReleases.join(', ') || '—')}</footer>
`,
  );
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#24292f;margin:24px;max-width:1600px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
.summary{border-left:6px solid;padding:12px 16px;border-radius:6px;background:#f6f8fa}.summary p{margin:2px 0}
.note{font-weight:normal;color:#9a6700}
table{border-collapse:collapse}th,td{padding:4px 8px;border-bottom:1px solid #d8dee4;text-align:left;vertical-align:middle}
thead th{border-bottom:2px solid #afb8c1;font-weight:600}tbody th{font-weight:600;white-space:nowrap}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr[data-slice="*"]{background:#f6f8fa}
svg{display:block}svg.axis text{font-size:10px;fill:#57606a}
.legend{color:#57606a;font-size:12px;max-width:1100px}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{color:#57606a}dd{margin:0}
footer{margin-top:24px;color:#57606a;font-size:12px;word-break:break-all}
`;
