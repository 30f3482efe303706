import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, redact, redactDeep, Redactor } from './redact.js';

describe('redact', () => {
  it('replaces e-mail addresses', () => {
    expect(redact('write to ana.lopez+law@mail.example.co.uk today')).toBe('write to [EMAIL] today');
    expect(redact('a@b.io and c_d@e-f.org')).toBe('[EMAIL] and [EMAIL]');
  });

  it('replaces card numbers that pass the Luhn check, grouped or not', () => {
    expect(redact('card 4111 1111 1111 1111 exp 12/29')).toBe('card [CARD] exp 12/29');
    expect(redact('4111-1111-1111-1111')).toBe('[CARD]');
    expect(redact('amex 378282246310005.')).toBe('amex [CARD].');
    expect(luhnValid('4111111111111112')).toBe(false);
    // Not a card (fails Luhn) and too long for a phone: left alone.
    expect(redact('order 4111111111111112')).toBe('order 4111111111111112');
  });

  it('replaces IBANs whose check digits hold', () => {
    expect(redact('IBAN DE89 3704 0044 0532 0130 00, thanks')).toBe('IBAN [IBAN], thanks');
    expect(redact('pay to GB82WEST12345698765432')).toBe('pay to [IBAN]');
    expect(redact('fr7630006000011234567890189')).toBe('[IBAN]');
    expect(ibanValid('DE88370400440532013000')).toBe(false);
    expect(redact('code DE88370400440532013000')).toBe('code DE88370400440532013000');
  });

  it('replaces phone numbers in common international and national shapes', () => {
    for (const phone of [
      '+33 6 12 34 56 78',
      '+1 (555) 123-4567',
      '(555) 123-4567',
      '555-123-4567',
      '555.123.4567',
      '06 12 34 56 78',
      '+442079460958',
      '0612345678',
    ]) {
      expect(redact(`call ${phone} now`), phone).toBe('call [PHONE] now');
    }
  });

  it('leaves dates, times, amounts, section numbers and short numbers alone', () => {
    const text =
      'On 2024-03-15 at 10:30, pay 1,250.00 EUR under section 12.3.4 within 14 days (ref 12345), see 15/03/2024 or 15.03.2024.';
    expect(redact(text)).toBe(text);
    expect(redact('no digits at all')).toBe('no digits at all');
  });

  it('redacts several kinds in one text, and every string inside messages', () => {
    const messages = [
      { role: 'system', content: 'Reply to ops@sluice.dev' },
      { role: 'user', content: [{ type: 'text', text: 'I am +33 6 12 34 56 78, IBAN GB82 WEST 1234 5698 7654 32' }] },
    ];
    expect(redactDeep(messages)).toEqual([
      { role: 'system', content: 'Reply to [EMAIL]' },
      { role: 'user', content: [{ type: 'text', text: 'I am [PHONE], IBAN [IBAN]' }] },
    ]);
  });

  it('replaces the API keys that leak most in LLM traffic: OpenAI, Anthropic, GitHub, AWS', () => {
    expect(redact('key sk-proj-Ab3dEfGhIjKlMnOpQrStUvWx-12_34 ok')).toBe('key [API_KEY] ok');
    expect(redact('OPENAI_API_KEY=sk-Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789')).toBe('OPENAI_API_KEY=[API_KEY]');
    expect(redact('sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-abc')).toBe('[API_KEY]');
    expect(redact('token ghp_16C7e42F292c6912E7710c838347Ae178B4a and gho_16C7e42F292c6912E7710c838347Ae178B4a')).toBe(
      'token [GITHUB_TOKEN] and [GITHUB_TOKEN]',
    );
    expect(redact('github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz')).toBe('[GITHUB_TOKEN]');
    // The access key id, and the secret beside it (40 base64 characters), named or not.
    expect(redact('AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe('[AWS_KEY] [AWS_SECRET]');
    expect(redact('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe(
      'aws_secret_access_key = [AWS_SECRET]',
    );
    expect(redact('{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}')).toBe(
      '{"SecretAccessKey": "[AWS_SECRET]"}',
    );
    expect(redact('temporary ASIAY34FZKBOKMUTVV7A')).toBe('temporary [AWS_KEY]');
    // A git commit (40 hex digits) beside an access key id is not a secret.
    expect(redact('AKIAIOSFODNN7EXAMPLE at commit 9fceb02d0ae598e95dc970b74767f19372d61af8')).toBe(
      '[AWS_KEY] at commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
    );
  });

  it('replaces bearer tokens, JWTs and private keys', () => {
    expect(redact('Authorization: Bearer abc123DEF456ghi789.jkl')).toBe('Authorization: Bearer [TOKEN]');
    expect(redact('curl -H "authorization: bearer xoxb-1234-5678-abcdefgh"')).toBe(
      'curl -H "authorization: bearer [TOKEN]"',
    );
    expect(redact('Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l')).toBe('Authorization: Basic [TOKEN]');
    expect(redact('bearer bonds and a token of thanks')).toBe('bearer bonds and a token of thanks');
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(redact(`my token is ${jwt}, thanks`)).toBe('my token is [JWT], thanks');
    expect(redact('-----BEGIN RSA PRIVATE KEY-----\nMIIEow1\n-----END RSA PRIVATE KEY-----\nbye')).toBe(
      '[PRIVATE_KEY]\nbye',
    );
  });

  it('replaces credentials written as password=…, in forms, URLs, YAML and JSON', () => {
    expect(redact('user=ana&password=hunter2&next=/')).toBe('user=ana&password=[PASSWORD]&next=/');
    expect(redact('Password: correct horse')).toBe('Password: [PASSWORD] horse');
    expect(redact('{"passwd": "s3cr3t!", "user": "ana"}')).toBe('{"passwd": "[PASSWORD]", "user": "ana"}');
    expect(redact("db_pwd='x y z'")).toBe("db_pwd='[PASSWORD]'");
    expect(redact('client_secret=abc123&api_key=zzz')).toBe('client_secret=[PASSWORD]&api_key=[PASSWORD]');
    // The word alone is not a credential.
    expect(redact('Forgot your password? Reset it.')).toBe('Forgot your password? Reset it.');
  });

  it('replaces US social security numbers, plain nine digits included, but not numbers never issued', () => {
    expect(redact('SSN 123-45-6789.')).toBe('SSN [SSN].');
    expect(redact('ssn 123 45 6789')).toBe('ssn [SSN]');
    expect(redact('my number is 078051120')).toBe('my number is [SSN]');
    for (const never of ['000-12-3456', '666-12-3456', '900-12-3456', '123-00-4567', '123-45-0000'])
      expect(redact(`id ${never}`), never).not.toContain('[SSN]');
    expect(redact('total 123,456,789.00 EUR')).toBe('total 123,456,789.00 EUR');
  });

  it("adds a project's own patterns, named in the marker", () => {
    const r = new Redactor([
      { name: 'employee-id', pattern: 'EMP-\\d{6}' },
      { name: 'case', pattern: 'CASE#[A-Z]{3}' },
    ]);
    expect(r.redact('EMP-123456 on CASE#ABC wrote to ana@example.com')).toBe(
      '[EMPLOYEE-ID] on [CASE] wrote to [EMAIL]',
    );
    expect(r.redactDeep([{ role: 'user', content: 'EMP-000001' }])).toEqual([
      { role: 'user', content: '[EMPLOYEE-ID]' },
    ]);
    expect(() => new Redactor([{ name: 'bad', pattern: '(' }])).toThrow(/redaction pattern "bad"/);
  });

  it('stays fast on long runs of digits and symbols', () => {
    const nasty = `${'1'.repeat(5000)} ${'12 '.repeat(5000)} ${'a.'.repeat(5000)}@ ${'+1-'.repeat(3000)} ${'password='.repeat(3000)} ${'eyJ'.repeat(3000)} AKIAIOSFODNN7EXAMPLE ${'A/'.repeat(5000)}`;
    const t = performance.now();
    redact(nasty);
    expect(performance.now() - t).toBeLessThan(500);
  });
});
