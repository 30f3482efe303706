import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from './json-schemas.js';

describe('schemas/', () => {
  for (const [name, text] of Object.entries(jsonSchemas())) {
    it(`${name} matches the zod source (run "npm run build && npm run schemas" when this fails)`, () => {
      const committed = readFileSync(join(import.meta.dirname, '../../schemas', name), 'utf8');
      expect(committed).toBe(text);
    });
  }

  it('forbids unknown keys, as the loader does', () => {
    const schema = JSON.parse(jsonSchemas()['sluice.schema.json']!) as { additionalProperties?: boolean };
    expect(schema.additionalProperties).toBe(false);
  });
});
