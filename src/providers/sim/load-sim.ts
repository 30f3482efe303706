import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { badInput } from '../../kernel/errors.js';
import { parseYaml, validateYaml } from '../../config/yaml-source.js';
import { Knowledge, parseKnowledge } from './knowledge.js';
import { simFileSchema, type SimFile } from './sim-schema.js';

function readText(path: string, display: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw badInput(`${display}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`}`, {
      file: display,
    });
  }
}

/** The models file and the knowledge it points to. */
export interface SimSpec {
  readonly file: SimFile | undefined;
  readonly knowledge: Knowledge;
}

/** Validates a models document already parsed (no line numbers in errors then). */
export function parseSimFile(value: unknown, display = 'sim models'): SimFile {
  const result = simFileSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw badInput(`${display}: ${issue.path.join('.') || '(top)'}: ${issue.message}`, { file: display });
}

/** Reads a models YAML file; errors name file:line:column. `path` is relative to the project (or absolute). */
export function loadSimFile(path: string, projectDir: string): SimFile {
  const full = isAbsolute(path) ? path : resolve(projectDir, path);
  const display = relative(projectDir, full) || full;
  return validateYaml(parseYaml(display, readText(full, display)), simFileSchema);
}

export function loadKnowledge(path: string, projectDir: string): Knowledge {
  const full = isAbsolute(path) ? path : resolve(projectDir, path);
  const display = relative(projectDir, full) || full;
  return parseKnowledge(readText(full, display), display);
}

/** The sim's spec from a provider's `models:` path (or none: every model name gets the defaults). */
export function loadSimSpec(modelsPath: string | undefined, projectDir: string): SimSpec {
  if (modelsPath === undefined) return { file: undefined, knowledge: Knowledge.empty };
  const file = loadSimFile(modelsPath, projectDir);
  return { file, knowledge: file.knowledge ? loadKnowledge(file.knowledge, projectDir) : Knowledge.empty };
}
