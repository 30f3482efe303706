import { existsSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { CONFIG_FILE, loadProjectConfig, loadReleaseManifest } from '../../../config/load-config.js';
import type { SluiceConfig } from '../../../config/sluice-schema.js';
import { failAt } from '../../../config/yaml-source.js';
import { SluiceError } from '../../../kernel/errors.js';
import { resolveManifest } from '../../../release/resolve-manifest.js';
import type { CliContext } from '../context.js';
import { DATASET_CHECKS } from '../dataset-checks.js';
import { EXIT } from '../exit-codes.js';

export interface ValidationError {
  readonly file: string;
  readonly line: number | null;
  readonly key: string | null;
  readonly message: string;
}

/** A release file as register reads it: schema, providers known to sluice.yaml, every referenced file readable, the suite's and anchors' lines. */
function checkRelease(path: string, projectDir: string, config: SluiceConfig | undefined): void {
  const { value: m, source } = loadReleaseManifest(path, projectDir);
  if (config) {
    if (!(m.model.provider in config.providers))
      failAt(source, ['model', 'provider'], `unknown provider "${m.model.provider}"`);
    m.routing.forEach((rule, i) => {
      if (!(rule.model.provider in config.providers))
        failAt(source, ['routing', i, 'model', 'provider'], `unknown provider "${rule.model.provider}"`);
    });
  }
  const { manifest, blobs } = resolveManifest(m, source, projectDir, undefined);
  const dataset = manifest.dataset;
  if (dataset) {
    DATASET_CHECKS.suite(dataset.suite.path, blobs.get(dataset.suite.digest)!);
    if (dataset.anchors) DATASET_CHECKS.anchors(dataset.anchors.path, blobs.get(dataset.anchors.digest)!);
  }
}

function asError(e: unknown, file: string): ValidationError {
  if (!(e instanceof SluiceError)) throw e;
  return {
    file: e.location?.file ?? file,
    line: e.location?.line ?? null,
    key: e.location?.key ?? null,
    message: e.message,
  };
}

/**
 * Checks sluice.yaml and release files the way `register` and every command read them, and
 * writes nothing: no store is opened, no key made. Without FILES: the project's sluice.yaml and
 * its release.yaml when there is one. Exit 2 when any file has an error (file, line and key named).
 */
export async function runValidate(ctx: CliContext, files: string[]): Promise<number> {
  const dir = ctx.projectDir;
  const targets = files.length > 0 ? files.map((f) => resolve(ctx.io.cwd, f)) : [resolve(dir, CONFIG_FILE)];
  if (files.length === 0 && existsSync(resolve(dir, 'release.yaml'))) targets.push(resolve(dir, 'release.yaml'));
  const shown = (p: string): string => relative(ctx.io.cwd, p) || p;

  let config: SluiceConfig | undefined;
  const errors: ValidationError[] = [];
  const checked: string[] = [];
  const failed = new Set<string>();
  const configPath = resolve(dir, CONFIG_FILE);
  const configTargeted = targets.some((t) => basename(t) === CONFIG_FILE);
  if (existsSync(configPath) || configTargeted) {
    try {
      config = loadProjectConfig(dirname(targets.find((t) => basename(t) === CONFIG_FILE) ?? configPath)).value;
    } catch (e) {
      if (configTargeted) {
        errors.push(asError(e, shown(configPath)));
        failed.add(shown(configPath));
      }
    }
  }
  for (const target of targets) {
    checked.push(shown(target));
    if (basename(target) === CONFIG_FILE) continue; // loaded above
    try {
      checkRelease(target, dir, config);
    } catch (e) {
      errors.push(asError(e, shown(target)));
      failed.add(shown(target));
    }
  }
  const ok = errors.length === 0;
  if (ctx.json) ctx.print({ ok, files: checked, errors }, () => '');
  else {
    for (const f of checked) if (!failed.has(f)) ctx.io.stdout(`${f}: ok\n`);
    for (const e of errors) ctx.io.stderr(`sluice: ${e.message}\n`);
  }
  return ok ? EXIT.ok : EXIT.badInput;
}
