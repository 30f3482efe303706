import type { GateResult } from '../core/gate-result.js';
import { escapeMarkdown as md } from './escape.js';
import {
  VERDICT_SYMBOL,
  calibration,
  checkLimit,
  checkValue,
  fixed,
  partialLine,
  percent,
  reasons,
  releaseLine,
  runFacts,
  scoreWithCi,
  signed,
  worstFirst,
} from './format.js';

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
      ...table(
        ['slice', 'n', 'score [ci]', 'min', 'baseline', 'Δ', 'calibration ρ', 'verdict', 'reasons'],
        worstFirst(result.slices).map((s) => [
          s.slice,
          String(s.n),
          scoreWithCi(s),
          fixed(s.min),
          fixed(s.baseline_score),
          signed(s.delta),
          calibration(s),
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
      ...table(
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
      ...table(
        ['detector', 'rate'],
        detectors.map(([name, rate]) => [name, percent(rate)]),
      ),
      '',
    );
  }
  out.push(
    runFacts(result)
      .map(([label, value]) => `${md(label)}: ${md(value)}`)
      .join(' · '),
    '',
  );
  return out.join('\n');
}

/** A GFM table, every cell escaped. */
function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map(md).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)];
}
