import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, redact, redactDeep } from './redact.js';

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

  it('stays fast on long runs of digits and symbols', () => {
    const nasty = `${'1'.repeat(5000)} ${'12 '.repeat(5000)} ${'a.'.repeat(5000)}@ ${'+1-'.repeat(3000)}`;
    const t = performance.now();
    redact(nasty);
    expect(performance.now() - t).toBeLessThan(500);
  });
});
