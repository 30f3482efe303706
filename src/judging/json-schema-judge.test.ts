import { describe, expect, it } from 'vitest';
import { sha256Digest } from '../kernel/digest.js';
import { compileJsonSchema, jsonSchemaJudge } from './json-schema-judge.js';

const schema = {
  type: 'object',
  required: ['party', 'term_months'],
  properties: { party: { type: 'string' }, term_months: { type: 'integer', minimum: 1 } },
  additionalProperties: false,
};

function judge(s: unknown = schema) {
  const c = compileJsonSchema(s);
  if (!c.ok) throw new Error(c.error.message);
  return jsonSchemaJudge({ name: 'shape', validate: c.value, schemaDigest: sha256Digest(JSON.stringify(s)) });
}

const at = (output: string) => ({ input: 'q', output, slice: 's' });

describe('json-schema judge', () => {
  it('scores 1 for valid JSON, plain or fenced', async () => {
    expect(await judge().score(at('{"party": "Acme", "term_months": 12}'))).toEqual({ ok: true, score: 1 });
    expect(await judge().score(at('```json\n{"party": "Acme", "term_months": 12}\n```'))).toEqual({
      ok: true,
      score: 1,
    });
  });

  it('scores 0 for output that is not JSON', async () => {
    const r = await judge().score(at('Acme, 12 months'));
    expect(r).toMatchObject({ ok: true, score: 0 });
    expect(r.ok && r.reason).toContain('not JSON');
  });

  it('scores 0 with the violations for JSON that breaks the schema', async () => {
    const r = await judge().score(at('{"party": 7, "term_months": 0, "extra": true}'));
    expect(r).toMatchObject({ ok: true, score: 0 });
    expect(r.ok && r.reason).toContain('/party must be string');
    expect(r.ok && r.reason).toContain('/term_months must be >= 1');
  });

  it('uses the draft the schema names', async () => {
    const s2020 = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [{ type: 'number' }],
      items: false,
    };
    expect(await judge(s2020).score(at('[1]'))).toMatchObject({ score: 1 });
    expect(await judge(s2020).score(at('[1, 2]'))).toMatchObject({ score: 0 });
  });

  it('reports an invalid schema as a result', () => {
    expect(compileJsonSchema({ type: 'no-such-type' }).ok).toBe(false);
    expect(compileJsonSchema([1]).ok).toBe(false);
  });
});
