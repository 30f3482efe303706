/**
 * Redaction for stored traces and shadow pairs, pure. In order: secrets
 * (private keys' PEM blocks, JWTs, bearer tokens, API keys of OpenAI and
 * Anthropic, GitHub and AWS, `password=…` style credentials), then personal
 * data (e-mail addresses, IBANs mod-97 checked, card numbers Luhn checked,
 * US social security numbers, phone numbers), then a project's own patterns
 * (sluice.yaml `gateway.redact`). Each match is replaced by a marker naming
 * what was there. docs/security.md lists exactly what is and is not caught.
 */

export const REDACTED = {
  email: '[EMAIL]',
  iban: '[IBAN]',
  card: '[CARD]',
  phone: '[PHONE]',
  ssn: '[SSN]',
  apiKey: '[API_KEY]',
  awsKey: '[AWS_KEY]',
  awsSecret: '[AWS_SECRET]',
  githubToken: '[GITHUB_TOKEN]',
  token: '[TOKEN]',
  jwt: '[JWT]',
  password: '[PASSWORD]',
  privateKey: '[PRIVATE_KEY]',
} as const;

/** A project's own pattern: what it is called (the marker is its name in capitals) and the regular expression. */
export interface RedactionPattern {
  readonly name: string;
  readonly pattern: string;
}

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
/** A US social security number: 123-45-6789, 123 45 6789, or nine digits standing alone. */
const SSN = /(?<![\w.,+-]|\+\d{1,3} )(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\w-]|[.,]\d)/g;

/** A PEM private key block, whatever its kind (RSA, EC, OPENSSH, ENCRYPTED…). */
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
/** A JSON Web Token: base64url header and payload (both JSON objects, so "eyJ…"), then a signature. */
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
/**
 * A bearer credential (RFC 6750 token68), or an Authorization header's Basic
 * or Token credential: the scheme is kept, the credential replaced. A bearer
 * credential holds a digit or punctuation, so "bearer instruments" stays.
 */
const BEARER = /\b(Bearer)(\s+)(?=[A-Za-z0-9\-._~+/]*[\d\-._~+/])[A-Za-z0-9\-._~+/]{8,}=*/gi;
const AUTHORIZATION = /\b(Authorization\s*:\s*(?:Basic|Token))(\s+)[A-Za-z0-9\-._~+/]+=*/gi;
/** OpenAI (sk-…, sk-proj-…) and Anthropic (sk-ant-…) API keys. */
const SK_KEY = /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g;
/** GitHub tokens: personal (ghp_), OAuth (gho_), user-to-server (ghu_), server (ghs_), refresh (ghr_), fine-grained PATs. */
const GITHUB_TOKEN = /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g;
/** An AWS access key id: long-term (AKIA) or temporary (ASIA). */
const AWS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
/** An AWS secret access key after its name: aws_secret_access_key = …, "SecretAccessKey": "…". */
const AWS_SECRET_NAMED =
  /\b((?:aws_?)?secret_?access_?key|aws_?secret(?:_?key)?)(["']?\s*[:=]\s*["']?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;
/** Forty base64 characters standing alone: an AWS secret when the text also holds an access key id. */
const FORTY_BASE64 = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
/**
 * A credential written as name=value or "name": "value": password, passwd,
 * pwd, passphrase, secret, client_secret, api_key, access_token… The name
 * and separator are kept, the value replaced.
 */
const PASSWORD =
  /(?<![A-Za-z0-9])((?:pass(?:word|wd|phrase)|pwd|(?:client_?)?secret|api_?key|access_?token|auth_?token|private_?key)["']?)(\s*[:=]\s*)("[^"\n]*"|'[^'\n]*'|[^\s"'&,;]+)/gi;

/** Text that may hold something to redact: anything with a digit, "@", or the start of a secret's name. */
const WORTH_A_LOOK = /[\d@]|bearer|token|eyJ|sk-|gh[pousr]_|github_pat_|pass|pwd|secret|key/i;

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

/** The numbers the Social Security Administration never issues: area 000, 666 or 900–999, group 00, serial 0000. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return a !== 0 && a !== 666 && a < 900 && group !== '00' && serial !== '0000';
}

function isPhone(match: string): boolean {
  const digits = match.replace(/\D/g, '').length;
  if (DATE_LIKE.test(match)) return false;
  if (match.startsWith('+')) return digits >= 8 && digits <= 15;
  // Without a country code: a plain run of digits needs 10 or more to be taken for a number; grouped, 9 or more.
  const grouped = /[ .()-]/.test(match);
  return digits <= 15 && (grouped ? digits >= 9 : digits >= 10);
}

/** Forty base64 characters that are not a hex digest (a SHA-1 or a git commit is 40 hex digits). */
const looksLikeAwsSecret = (s: string): boolean => /[A-Z]/.test(s) && /[a-z]/.test(s) && !/^[0-9a-fA-F]+$/.test(s);

function redactSecrets(text: string): string {
  let out = text
    .replace(PRIVATE_KEY, REDACTED.privateKey)
    .replace(JWT, REDACTED.jwt)
    .replace(SK_KEY, REDACTED.apiKey)
    .replace(GITHUB_TOKEN, REDACTED.githubToken)
    .replace(BEARER, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED.token}`)
    .replace(AUTHORIZATION, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED.token}`)
    .replace(AWS_SECRET_NAMED, (_m, name: string, sep: string) => `${name}${sep}${REDACTED.awsSecret}`);
  let awsKey = false;
  out = out.replace(AWS_KEY_ID, () => {
    awsKey = true;
    return REDACTED.awsKey;
  });
  if (awsKey) out = out.replace(FORTY_BASE64, (m) => (looksLikeAwsSecret(m) ? REDACTED.awsSecret : m));
  return out.replace(PASSWORD, (m, name: string, sep: string, value: string) => {
    const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
    const bare = quote ? value.slice(1, -1) : value;
    return /^\[[A-Z_]+\]$/.test(bare) ? m : `${name}${sep}${quote}${REDACTED.password}${quote}`;
  });
}

function redactPersonalData(text: string): string {
  return text
    .replace(EMAIL, REDACTED.email)
    .replace(IBAN, (m) => (ibanValid(m) ? REDACTED.iban : m))
    .replace(CARD, (m) => (luhnValid(m.replace(/[ -]/g, '')) ? REDACTED.card : m))
    .replace(SSN, (m, area: string, _sep: string, group: string, serial: string) =>
      ssnValid(area, group, serial) ? REDACTED.ssn : m,
    )
    .replace(PHONE, (m) => (isPhone(m) ? REDACTED.phone : m));
}

/** The marker a project pattern's matches become: its name in capitals, in brackets. */
export const patternMarker = (name: string): string => `[${name.toUpperCase()}]`;

/** Compiles a project's patterns (global, Unicode); throws a SyntaxError naming the pattern that does not compile. */
function compile(patterns: readonly RedactionPattern[]): { re: RegExp; marker: string }[] {
  return patterns.map((p) => {
    try {
      return { re: new RegExp(p.pattern, 'gu'), marker: patternMarker(p.name) };
    } catch (e) {
      throw new SyntaxError(`redaction pattern "${p.name}": ${(e as Error).message}`);
    }
  });
}

/** Redacts text and JSON-like values with the built-in rules and a project's own patterns. */
export class Redactor {
  private readonly extra: { re: RegExp; marker: string }[];

  constructor(readonly patterns: readonly RedactionPattern[] = []) {
    this.extra = compile(patterns);
  }

  /** The text with every secret, personal datum and project pattern replaced by its marker. */
  redact(text: string): string {
    let out = WORTH_A_LOOK.test(text) ? redactPersonalData(redactSecrets(text)) : text;
    for (const { re, marker } of this.extra) out = out.replace(re, marker);
    return out;
  }

  /** Redacts every string inside a JSON-like value (message contents, content parts), leaving its shape. */
  redactDeep(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = k === 'role' || k === 'type' ? v : this.redactDeep(v);
      return out;
    }
    return value;
  }
}

/** The built-in rules alone. */
export const BUILT_IN_REDACTOR = new Redactor();

export const redact = (text: string): string => BUILT_IN_REDACTOR.redact(text);
export const redactDeep = (value: unknown): unknown => BUILT_IN_REDACTOR.redactDeep(value);
