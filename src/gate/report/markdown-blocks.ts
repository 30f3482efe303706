import { escapeMarkdown as md } from './escape.js';

/** A GFM table, every cell escaped. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map(md).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)];
}

/** Label/value facts on one line, "label: value · label: value", every part escaped. */
export function markdownFacts(facts: ReadonlyArray<readonly [string, string]>): string {
  return facts.map(([label, value]) => `${md(label)}: ${md(value)}`).join(' · ');
}
