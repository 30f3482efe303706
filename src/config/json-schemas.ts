import { z } from 'zod';
import { releaseManifestSchema } from './release-schema.js';
import { sluiceConfigSchema } from './sluice-schema.js';

/** JSON Schema documents for editor completion, generated from the same zod source the loader uses. */
export function jsonSchemas(): Record<string, string> {
  const render = (schema: z.ZodType, id: string, title: string): string =>
    `${JSON.stringify({ $id: id, title, ...z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) }, null, 2)}\n`;
  return {
    'sluice.schema.json': render(sluiceConfigSchema, 'https://sluice.dev/schemas/sluice.schema.json', 'sluice.yaml'),
    'release.schema.json': render(
      releaseManifestSchema,
      'https://sluice.dev/schemas/release.schema.json',
      'release.yaml',
    ),
  };
}
