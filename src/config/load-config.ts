import { readFileSync } from 'node:fs';
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

/** Reads a text file, turning a missing or unreadable file into a bad_input error that names it. */
export function readTextFile(path: string, display = path): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(e)})`;
    throw badInput(`${display}: ${why}`, { file: display });
  }
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SluiceError('bad_input', `${path}: no sluice.yaml here; run "sluice init" or pass --project DIR`, {
      location: { file: path },
    });
  }
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
