import { isAbsolute, relative } from 'node:path';
import { badInput } from '../../kernel/errors.js';
import { parseYaml, validateYaml } from '../../config/yaml-source.js';
import { readTextFile } from '../../config/load-config.js';
import { readProjectText } from '../../release/project-path.js';
import { Knowledge, parseKnowledge } from './knowledge.js';
import { simFileSchema, type SimFile } from './sim-schema.js';

/**
 * A sim file's text and the name shown in messages. A relative path is a
 * project path (inside the project, through symlinks too); an absolute one
 * comes only from the command line (`sluice sim --models FILE`), since
 * sluice.yaml refuses absolute paths. Either way: a regular file, UTF-8.
 */
function readSimText(path: string, projectDir: string): { text: string; display: string } {
  if (isAbsolute(path)) {
    const display = relative(projectDir, path) || path;
    return { text: readTextFile(path, display), display };
  }
  const read = readProjectText(projectDir, path);
  if (!read.ok) throw badInput(`${path}: ${read.error.message}`, { file: path });
  return { text: read.value.text, display: read.value.path };
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
  const { text, display } = readSimText(path, projectDir);
  return validateYaml(parseYaml(display, text), simFileSchema);
}

export function loadKnowledge(path: string, projectDir: string): Knowledge {
  const { text, display } = readSimText(path, projectDir);
  return parseKnowledge(text, display);
}

/** The sim's spec from a provider's `models:` path (or none: every model name gets the defaults). */
export function loadSimSpec(modelsPath: string | undefined, projectDir: string): SimSpec {
  if (modelsPath === undefined) return { file: undefined, knowledge: Knowledge.empty };
  const file = loadSimFile(modelsPath, projectDir);
  return { file, knowledge: file.knowledge ? loadKnowledge(file.knowledge, projectDir) : Knowledge.empty };
}
