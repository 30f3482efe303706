// Writes schemas/*.json from the zod schemas (run `npm run build` first).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../dist/config/json-schemas.js';

for (const [name, text] of Object.entries(jsonSchemas())) {
  writeFileSync(join(import.meta.dirname, '..', 'schemas', name), text);
  console.log(`wrote schemas/${name}`);
}
