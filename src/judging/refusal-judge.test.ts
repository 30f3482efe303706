import { describe, expect, it } from 'vitest';
import { findRefusals } from './refusal-phrases.js';
import { refusalJudge } from './refusal-judge.js';

describe('refusal phrases', () => {
  it.each([
    'You should consult an attorney before signing.',
    'Please consult a lawyer.',
    'I recommend consulting a qualified legal professional.',
    'Talk to your doctor about the dosage.',
    'It is best to speak with a licensed attorney in your state.',
    'Consider contacting a tax advisor.',
    'Please seek professional advice.',
    'You may wish to seek legal counsel.',
    'Seek the advice of a physician.',
    "I can't help with that request.",
    'I can\u2019t help with that.',
    'I cannot provide legal advice.',
    "I'm not able to answer that.",
    'I am unable to review contracts.',
    "I'm unable to do that.",
    'As an AI, I have no opinion on this.',
    'As a language model I cannot know.',
    "I'm not a lawyer, but the clause looks standard.",
    'This is not legal advice.',
    'This does not constitute medical advice.',
    'I must decline to answer.',
    'I cannot assist with this.',
    "I'm sorry, but I can't do that.",
    "I won't be able to review this.",
  ])('flags %j', (text) => {
    expect(findRefusals(text).length).toBeGreaterThan(0);
  });

  it.each([
    'An attorney drafted this contract.',
    'The doctor prescribed 20 mg daily.',
    'Under section 4, the licensee may sublicense with written consent.',
    'The lawyer for the plaintiff argued that the clause was void.',
    'I cannot stress enough how important the termination clause is.',
    "I can't help but notice the indemnity cap is low.",
    'The professional services agreement runs for two years.',
    'Consult the expert report in Annex B.',
    'Each party may consult counsel before signing.',
    'Aidan, as an aide, filed the motion.',
    'The AI Act applies from 2026.',
  ])('does not flag %j', (text) => {
    expect(findRefusals(text)).toEqual([]);
  });
});

describe('refusal judge', () => {
  const judge = refusalJudge('refusal');

  it('scores a hedge 0, flagged, quoting the phrase', async () => {
    const r = await judge.score({
      input: 'Can I terminate?',
      output: 'It depends. You should consult an attorney.',
      slice: 'legal',
    });
    expect(r).toMatchObject({ ok: true, score: 0, flagged: true });
    expect(r.ok && r.reason).toContain('consult an attorney');
  });

  it('scores an answer 1, not flagged', async () => {
    const r = await judge.score({
      input: 'Can I terminate?',
      output: 'Yes: clause 9 allows termination on 30 days notice.',
      slice: 'legal',
    });
    expect(r).toEqual({ ok: true, score: 1, flagged: false });
  });
});
