import { badInput } from '../kernel/errors.js';
import { readProjectText } from '../release/project-path.js';

export interface ProjectFile {
  /** The path as written, normalized (POSIX, relative to the project). */
  readonly path: string;
  readonly bytes: Buffer;
  /** The bytes as text (strict UTF-8). */
  readonly text: string;
}

/**
 * Reads a file a config key names, relative to the project. A path that is
 * absolute, leaves the project, does not exist, is not a regular file or is
 * not UTF-8 is bad input naming the file and the key.
 */
export function readProjectFile(projectDir: string, written: string, key: string): ProjectFile {
  const read = readProjectText(projectDir, written);
  if (!read.ok) throw badInput(`${key}: ${read.error.message}`, { file: written, key });
  return { path: read.value.path, bytes: read.value.bytes, text: read.value.text };
}

/** The 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses JSON text; a syntax error is bad input naming file:line. */
export function parseJsonFile(file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const lineCol = /line (\d+) column \d+/.exec(message);
    const pos = /position (\d+)/.exec(message);
    const line = lineCol ? Number(lineCol[1]) : pos ? lineOf(text, Number(pos[1])) : lineOf(text, text.length);
    throw badInput(`${file}:${line}: invalid JSON: ${message}`, { file, line });
  }
}
