import { decodeHTML } from 'entities';
import type { PreprocessStep } from '../config/release-schema.js';

function stripHtml(s: string): string {
  const text = s
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?[A-Za-z][^>]*>/g, ' ');
  return decodeHTML(text);
}

/** One step applied to one string. Every op is total: any string in, a string out. */
export function applyOp(step: PreprocessStep, s: string): string {
  switch (step.op) {
    case 'trim':
      return s.trim();
    case 'collapse_whitespace':
      return s.replace(/\s+/g, ' ');
    case 'lowercase':
      return s.toLowerCase();
    case 'uppercase':
      return s.toUpperCase();
    case 'unicode_nfc':
      return s.normalize('NFC');
    case 'strip_html':
      return stripHtml(s);
    case 'max_chars':
      return Array.from(s).slice(0, step.max).join('');
    case 'replace':
      return s.replace(new RegExp(step.pattern, 'g'), step.with);
  }
}
