import type { GateResult } from '../core/gate-result.js';
import { escapeMarkdown as md } from './escape.js';
import { markdownFacts, markdownTable } from './markdown-blocks.js';
import { fixed, percent, VERDICT_SYMBOL } from './format.js';
import { checkLimit, checkValue, partialLine, releaseLine, runFacts } from './gate-facts.js';
import { reasons, SLICE_FIGURES, sliceFigures, worstFirst } from './slice-figures.js';

/**
 * The gate as Markdown for a pull-request comment: verdict headline, override and
 * partial-run notes, slices worst first, checks, detector rates and run facts.
 */
export function renderMarkdown(result: GateResult): string {
  const out: string[] = [
    `### ${VERDICT_SYMBOL[result.verdict]} Sluice gate: ${result.verdict} — ${releaseLine(result, (id) => `\`${id}\``)}`,
    '',
  ];
  const o = result.override;
  if (o) out.push(`> **Overridden** by ${md(o.actor)} at ${md(o.at)}: ${md(o.reason)}`, '');
  const partial = partialLine(result);
  if (partial) out.push(`> **${md(partial)}**`, '');
  out.push(`Aggregate ${fixed(result.aggregate.score)} over ${result.aggregate.n} items.`, '');

  if (result.slices.length > 0) {
    out.push(
      ...markdownTable(
        ['slice', ...SLICE_FIGURES, 'verdict', 'reasons'],
        worstFirst(result.slices).map((s) => [
          s.slice,
          ...sliceFigures(s),
          `${VERDICT_SYMBOL[s.verdict]} ${s.verdict}`,
          reasons(s),
        ]),
      ),
      '',
    );
  }
  if (result.checks.length > 0) {
    out.push(
      '**Checks**',
      '',
      ...markdownTable(
        ['check', 'kind', 'value', 'limit', 'result', 'detail'],
        result.checks.map((c) => [
          c.name,
          c.kind,
          checkValue(c),
          checkLimit(c),
          c.ok ? '✅ ok' : c.kind === 'hard' ? '❌ failed' : '⚠️ failed',
          c.message,
        ]),
      ),
      '',
    );
  }
  const detectors = Object.entries(result.detectors);
  if (detectors.length > 0) {
    out.push(
      '**Detectors**',
      '',
      ...markdownTable(
        ['detector', 'rate'],
        detectors.map(([name, rate]) => [name, percent(rate)]),
      ),
      '',
    );
  }
  out.push(markdownFacts(runFacts(result)), '');
  return out.join('\n');
}
