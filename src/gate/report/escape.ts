import { escapeUTF8 } from 'entities';

/**
 * Characters no report may carry: C0 controls (tab, LF and CR aside), DEL, C1
 * controls, U+FFFE/U+FFFF and unpaired surrogates. None is allowed in XML 1.0,
 * and in a terminal they move the cursor or start escape sequences.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDFFF]/gu;
const LINE_BREAKS = /[\t\n\r]/g;

/** The text without control characters; tab, LF and CR are kept unless `oneLine`, which turns them into spaces. */
export function stripControl(text: string, oneLine = false): string {
  const kept = text.replace(CONTROL, '');
  return oneLine ? kept.replace(LINE_BREAKS, ' ') : kept;
}

/** Element content for XML or HTML: & < > " ' escaped, control characters stripped. */
export function escapeMarkup(text: string): string {
  return escapeUTF8(stripControl(text));
}

/**
 * An XML attribute value: escaped like element content, with tab, LF and CR as
 * character references so parsers do not normalize them into spaces.
 */
export function escapeXmlAttribute(text: string): string {
  return escapeMarkup(text).replace(LINE_BREAKS, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Inline Markdown on one line, table cells included: the characters Markdown or
 * HTML would interpret are escaped (`|` as `\|`), line breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  return stripControl(text, true)
    .replace(/[\\`*_[\]~|]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}
