import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../kernel/errors.js';
import { loadProjectConfig, loadReleaseManifest } from './load-config.js';
import { tempDir } from '../kernel/test-support/temp-dir.js';

function project(yaml: string): string {
  const dir = tempDir('sluice-cfg-');
  writeFileSync(join(dir, 'sluice.yaml'), yaml);
  return dir;
}

function errorOf(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SluiceError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const minimal = 'project: legal\nproviders:\n  up: { kind: openai-compatible, base_url: "http://127.0.0.1:8000/v1" }\n';

describe('sluice.yaml', () => {
  it('fills in the documented defaults', () => {
    const cfg = loadProjectConfig(project(minimal)).value;
    expect(cfg.store).toBe('sqlite:.sluice/sluice.db');
    expect(cfg.rollout.steps).toEqual([5, 25, 100]);
    expect(cfg.gate.slices['*']).toEqual({ min: 0.65, max_drop: 0.05, min_items: 10 });
    expect(cfg.providers.up!.max_concurrency).toBe(64);
  });

  it('names file, line, column and key of an unknown key', () => {
    const err = errorOf(() => loadProjectConfig(project(`${minimal}rollout:\n  steps: [5, 100]\n  dwel_seconds: 3\n`)));
    expect(err.code).toBe('bad_input');
    expect(err.location).toMatchObject({ line: 6, column: 3, key: 'rollout.dwel_seconds' });
    expect(err.message).toMatch(/sluice\.yaml:6:3: rollout\.dwel_seconds: unknown key "dwel_seconds"/);
  });

  it('names the line of a value of the wrong type', () => {
    const err = errorOf(() => loadProjectConfig(project(`${minimal}observe:\n  window_seconds: soon\n`)));
    expect(err.location).toMatchObject({ line: 5, key: 'observe.window_seconds' });
  });

  it('names the line of a YAML syntax error', () => {
    const err = errorOf(() => loadProjectConfig(project(`${minimal}gate: { judge: [\n`)));
    expect(err.code).toBe('bad_input');
    expect(err.location?.line).toBeGreaterThanOrEqual(4);
    expect(err.message).toContain('invalid YAML');
  });

  it("takes the project's own redaction patterns, and names the line of one that is not a regular expression", () => {
    const good = project(`${minimal}gateway:\n  redact:\n    - { name: employee-id, pattern: "EMP-\\\\d{6}" }\n`);
    const bad = project(
      `${minimal}gateway:\n  redact:\n    - { name: ok, pattern: "a+" }\n    - { name: broken, pattern: "(unclosed" }\n`,
    );
    expect(loadProjectConfig(good).value.gateway.redact).toEqual([{ name: 'employee-id', pattern: 'EMP-\\d{6}' }]);
    const err = errorOf(() => loadProjectConfig(bad));
    expect(err.location).toMatchObject({ line: 7, key: 'gateway.redact[1].pattern' });
    expect(err.message).toContain('expected a valid regular expression');
  });

  it('refuses a judge that names an unknown provider', () => {
    const yaml = `${minimal}judges:\n  q: { kind: rubric, provider: nope, model: m, rubric: r.md }\n`;
    const err = errorOf(() => loadProjectConfig(project(yaml)));
    expect(err.location).toMatchObject({ line: 5, key: 'judges.q.provider' });
    expect(err.message).toContain('unknown provider "nope"');
  });

  it('refuses steps that do not end at 100', () => {
    const err = errorOf(() => loadProjectConfig(project(`${minimal}rollout: { steps: [5, 25] }\n`)));
    expect(err.message).toContain('the last step must be 100');
  });

  it('says how to fix a missing sluice.yaml', () => {
    const err = errorOf(() => loadProjectConfig(tempDir('sluice-empty-')));
    expect(err.message).toContain('sluice init');
  });
});

describe('release.yaml', () => {
  it('refuses an unknown component in acknowledge, naming the line', () => {
    const dir = project(minimal);
    const file = join(dir, 'release.yaml');
    writeFileSync(file, 'name: legal\nmodel: { provider: up, name: m }\nacknowledge:\n  - model\n  - weather\n');
    const err = errorOf(() => loadReleaseManifest(file, dir));
    expect(err.location).toMatchObject({ file: 'release.yaml', line: 5, key: 'acknowledge[1]' });
  });

  it('refuses a malformed weights digest', () => {
    const dir = project(minimal);
    const file = join(dir, 'release.yaml');
    writeFileSync(file, 'name: legal\nmodel:\n  provider: up\n  name: m\n  weights: { path: /m, digest: "md5:1" }\n');
    const err = errorOf(() => loadReleaseManifest(file, dir));
    expect(err.location).toMatchObject({ line: 5, key: 'model.weights.digest' });
  });
});
