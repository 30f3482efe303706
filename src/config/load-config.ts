import { existsSync } from 'node:fs';
import { decodeUtf8, readRegularFile } from '../kernel/read-regular-file.js';
import { join, relative } from 'node:path';
import { badInput, SluiceError } from '../kernel/errors.js';
import { releaseManifestSchema, type ReleaseManifest } from './release-schema.js';
import { sluiceConfigSchema, type SluiceConfig } from './sluice-schema.js';
import { failAt, parseYaml, validateYaml, type YamlSource } from './yaml-source.js';

export const CONFIG_FILE = 'sluice.yaml';

export interface Loaded<T> {
  readonly value: T;
  readonly source: YamlSource;
}

/**
 * Reads a UTF-8 text file: a missing, unreadable or irregular file (a FIFO, a
 * folder) or invalid UTF-8 is a bad_input error that names it (and the line).
 */
export function readTextFile(path: string, display = path): string {
  const bytes = readRegularFile(path);
  if (!bytes.ok) throw badInput(`${display}: ${bytes.error.message}`, { file: display });
  const text = decodeUtf8(bytes.value);
  if (!text.ok)
    throw badInput(`${display}:${text.error.line}: not UTF-8 text (${text.error.message})`, {
      file: display,
      line: text.error.line,
    });
  return text.value;
}

function checkReferences(cfg: SluiceConfig, src: YamlSource): void {
  for (const [name, judge] of Object.entries(cfg.judges)) {
    if ('provider' in judge && !(judge.provider in cfg.providers)) {
      failAt(
        src,
        ['judges', name, 'provider'],
        `unknown provider "${judge.provider}" (known: ${Object.keys(cfg.providers).join(', ')})`,
      );
    }
  }
  if (cfg.gate.judge !== undefined && !(cfg.gate.judge in cfg.judges)) {
    failAt(src, ['gate', 'judge'], `unknown judge "${cfg.gate.judge}"`);
  }
  cfg.gate.detectors.forEach((d, i) => {
    if (!(d in cfg.judges)) failAt(src, ['gate', 'detectors', i], `unknown judge "${d}"`);
  });
}

/** Loads and validates `sluice.yaml` in a project folder. */
export function loadProjectConfig(projectDir: string): Loaded<SluiceConfig> {
  const path = join(projectDir, CONFIG_FILE);
  if (!existsSync(path))
    throw new SluiceError('bad_input', `${path}: no sluice.yaml here; run "sluice init" or pass --project DIR`, {
      location: { file: path },
    });
  const text = readTextFile(path);
  const source = parseYaml(path, text);
  const value = validateYaml(source, sluiceConfigSchema);
  checkReferences(value, source);
  return { value, source };
}

/** Loads and validates a release manifest; `display` is the path shown in messages. */
export function loadReleaseManifest(path: string, projectDir?: string): Loaded<ReleaseManifest> {
  const display = projectDir ? relative(projectDir, path) || path : path;
  const source = parseYaml(display, readTextFile(path, display));
  return { value: validateYaml(source, releaseManifestSchema), source };
}
