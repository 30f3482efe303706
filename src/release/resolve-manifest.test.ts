import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { releaseManifestSchema } from '../config/release-schema.js';
import { parseYaml } from '../config/yaml-source.js';
import { jsonDigest } from '../kernel/canonical-json.js';
import { changedComponents } from './components.js';
import { resolveManifest } from './resolve-manifest.js';
import { tempDir } from '../kernel/test-support/temp-dir.js';

function resolved(yaml: string) {
  const dir = tempDir('sluice-resolve-');
  writeFileSync(join(dir, 'system.md'), 'You support {{product}}.');
  const source = parseYaml('release.yaml', yaml);
  return resolveManifest(releaseManifestSchema.parse(source.value), source, dir, undefined).manifest;
}

const base = `name: support
model: { provider: up, name: m1 }
prompt: { system: system.md }
params: { temperature: 0, max_tokens: 100 }
`;

describe('params_overridable and prompt.vars in the release id', () => {
  it('leave the id of a manifest that does not use them as it was, and change the component of one that does', () => {
    const plain = resolved(base);
    expect(plain).not.toHaveProperty('params_overridable');
    expect(plain.prompt).not.toHaveProperty('vars');
    expect(Object.keys(plain.prompt)).toEqual(['system']);
    const overridable = resolved(`${base}params_overridable: [temperature]\n`);
    expect(overridable.params_overridable).toEqual(['temperature']);
    expect(changedComponents(plain, overridable)).toEqual(['params']);
    const vars = resolved(
      base.replace('prompt: { system: system.md }', 'prompt: { system: system.md, vars: { product: "our product" } }'),
    );
    expect(vars.prompt.vars).toEqual({ product: 'our product' });
    expect(changedComponents(plain, vars)).toEqual(['prompt']);
    expect(new Set([jsonDigest(plain), jsonDigest(overridable), jsonDigest(vars)]).size).toBe(3);
  });

  it('refuses a param that is not one a release can own, and a variable name that is not one', () => {
    expect(() => resolved(`${base}params_overridable: [tools]\n`)).toThrow();
    const bad = releaseManifestSchema.safeParse({
      name: 'support',
      model: { provider: 'up', name: 'm' },
      prompt: { vars: { 'a b': 'x' } },
    });
    expect(bad.success).toBe(false);
  });
});
