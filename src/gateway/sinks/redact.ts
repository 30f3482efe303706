/**
 * PII redaction for stored traces, pure. In order: e-mail addresses, IBANs
 * (mod-97 checked), card numbers (13–19 digits, Luhn checked), phone numbers.
 * Each is replaced by a marker naming what was there.
 */

export const REDACTED = { email: '[EMAIL]', iban: '[IBAN]', card: '[CARD]', phone: '[PHONE]' } as const;

/** Starts only where a run of local-part characters starts, so a long run without "@" is scanned once. */
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Country code, check digits, then 11–30 letters or digits, optionally in groups separated by spaces. */
const IBAN = /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}\b/g;
/** 13–19 digits, optionally grouped by single spaces or dashes. */
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
/**
 * An optional +country code, an optional (area), then digit groups each
 * separated by one space, dot or dash, or one run of digits. Separators are
 * required between groups, so there is one way to read a number (no backtracking blow-up).
 */
const PHONE = /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?(?:\d{1,5}(?:[ .-]\d{1,5}){1,7}|\d{6,15})(?!\w)/g;
/** Shapes that look like phone numbers but are dates or times. */
const DATE_LIKE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 must be 1. */
export function ibanValid(candidate: string): boolean {
  const s = candidate.replace(/ /g, '').toUpperCase();
  if (s.length < 15 || s.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    rest = (value >= 10 ? rest * 100 + value : rest * 10 + value) % 97;
  }
  return rest === 1;
}

function isPhone(match: string): boolean {
  const digits = match.replace(/\D/g, '').length;
  if (DATE_LIKE.test(match)) return false;
  if (match.startsWith('+')) return digits >= 8 && digits <= 15;
  // Without a country code: a plain run of digits needs 10 or more to be taken for a number; grouped, 9 or more.
  const grouped = /[ .()-]/.test(match);
  return digits <= 15 && (grouped ? digits >= 9 : digits >= 10);
}

/** The text with e-mail addresses, IBANs, card numbers and phone numbers replaced by markers. */
export function redact(text: string): string {
  if (!/[\d@]/.test(text)) return text;
  return text
    .replace(EMAIL, REDACTED.email)
    .replace(IBAN, (m) => (ibanValid(m) ? REDACTED.iban : m))
    .replace(CARD, (m) => (luhnValid(m.replace(/[ -]/g, '')) ? REDACTED.card : m))
    .replace(PHONE, (m) => (isPhone(m) ? REDACTED.phone : m));
}

/** Redacts every string inside a JSON-like value (message contents, content parts), leaving its shape. */
export function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === 'role' || k === 'type' ? v : redactDeep(v);
    return out;
  }
  return value;
}
