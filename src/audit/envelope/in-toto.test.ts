import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../kernel/canonical-json.js';
import { sha256Digest } from '../../kernel/digest.js';
import { verifyEnvelope } from './dsse.js';
import {
  DECISION_KINDS,
  decisionKindOf,
  decisionPredicateType,
  decisionStatement,
  IN_TOTO_PAYLOAD_TYPE,
  parseStatement,
  signStatement,
  statementBytes,
  subject,
} from './in-toto.js';
import { generateSigningKey } from './signing-key.js';

const digest = sha256Digest('release manifest');

describe('in-toto statements', () => {
  it('names a predicate type per decision kind', () => {
    expect(DECISION_KINDS).toHaveLength(13);
    expect(decisionPredicateType('rollout-start')).toBe('https://sluice.dev/decision/rollout-start/v1');
    for (const kind of DECISION_KINDS) expect(decisionKindOf(decisionPredicateType(kind))).toBe(kind);
    expect(decisionKindOf('https://sluice.dev/decision/launch/v1')).toBeUndefined();
    expect(decisionKindOf('https://slsa.dev/provenance/v1')).toBeUndefined();
  });

  it('builds a Statement v1', () => {
    const st = decisionStatement('gate', [subject('release/abc', digest)], { passed: true, rule: 'min-score' });
    expect(st).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'release/abc', digest: { sha256: digest.slice(7) } }],
      predicateType: 'https://sluice.dev/decision/gate/v1',
      predicate: { passed: true, rule: 'min-score' },
    });
    expect(statementBytes(st).toString()).toBe(canonicalize(st));
  });

  it('refuses subjects without a sha256 hex digest', () => {
    expect(() => subject('x', 'sha256:ABC')).toThrow(RangeError);
    expect(() => decisionStatement('halt', [], {})).toThrow(RangeError);
  });

  it('signs as DSSE with the in-toto payload type and parses back', () => {
    const key = generateSigningKey();
    const st = decisionStatement('promote', [subject('release/abc', digest)], { to: 'stable' });
    const env = signStatement(st, key);
    expect(env.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    const v = verifyEnvelope(env, new Map([[key.keyid, key.publicKey]]));
    if (!v.ok) throw new Error(v.error.message);
    expect(parseStatement(v.value.payload)).toEqual({ ok: true, value: st });
  });

  it('rejects malformed statements', () => {
    const good = decisionStatement('pause', [subject('r', digest)], {});
    const bad: unknown[] = [
      '[',
      [],
      { ...good, _type: 'https://in-toto.io/Statement/v0.1' },
      { ...good, subject: [] },
      { ...good, subject: [{ name: 'r' }] },
      { ...good, subject: [{ name: 'r', digest: { sha256: 'XYZ' } }] },
      { ...good, predicateType: '' },
      { ...good, predicate: [1] },
    ];
    for (const b of bad) {
      const bytes = Buffer.from(typeof b === 'string' ? b : JSON.stringify(b));
      expect(parseStatement(bytes)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    }
  });
});
