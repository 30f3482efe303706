import { escapeMarkup as h } from './escape.js';

/** Label/value facts as the page's "Run" section, a definition list with every part escaped. */
export function htmlFactsSection(facts: ReadonlyArray<readonly [string, string]>): string {
  return `<section><h2>Run</h2><dl>${facts.map(([label, value]) => `<dt>${h(label)}</dt><dd>${h(value)}</dd>`).join('')}</dl></section>`;
}
