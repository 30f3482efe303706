import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { decodeUtf8, readRegularFile } from '../kernel/read-regular-file.js';
import { err, ok, type Problem, type Result } from '../kernel/result.js';

/** A file inside the project: its real absolute path, and `path` as the manifest records it. */
export interface ProjectPath {
  readonly absolute: string;
  readonly path: string;
}

export type ProjectPathResult = Result<ProjectPath, Problem<'absolute' | 'escapes' | 'missing' | 'symlink_escapes'>>;

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolves a path written in a manifest against the project folder. It must be
 * relative, stay inside the project, exist, and not reach outside through a symlink.
 * `path` in the result is the normalized POSIX form that goes into the manifest.
 */
export function resolveProjectPath(projectDir: string, written: string): ProjectPathResult {
  if (isAbsolute(written) || /^[A-Za-z]:[\\/]/.test(written)) {
    return err('absolute', `"${written}" is absolute; paths are relative to the project`);
  }
  const root = resolve(projectDir);
  const absolute = resolve(root, written);
  if (!inside(root, absolute)) {
    return err('escapes', `"${written}" points outside the project`);
  }
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    return err('missing', `"${written}": no such file`);
  }
  if (!inside(realpathSync(root), real)) {
    return err('symlink_escapes', `"${written}" is a link to a file outside the project`);
  }
  return ok({ absolute: real, path: relative(root, absolute).split(sep).join('/') });
}

/** A project file's bytes, read as `readProjectText` reads them. */
export interface ProjectFileBytes extends ProjectPath {
  readonly bytes: Buffer;
  /** The bytes decoded (strict UTF-8). */
  readonly text: string;
}

export type ReadProjectResult = Result<
  ProjectFileBytes,
  Problem<'absolute' | 'escapes' | 'missing' | 'symlink_escapes' | 'not_regular' | 'unreadable' | 'not_utf8'>
>;

/**
 * Reads a text file a manifest or sluice.yaml names: a project path (see
 * `resolveProjectPath`), a regular file (a FIFO is refused, never opened
 * blocking), and UTF-8 (invalid bytes are refused, naming the line).
 */
export function readProjectText(projectDir: string, written: string): ReadProjectResult {
  const resolved = resolveProjectPath(projectDir, written);
  if (!resolved.ok) return resolved;
  const bytes = readRegularFile(resolved.value.absolute);
  if (!bytes.ok) return err(bytes.error.code, `"${written}": ${bytes.error.message}`);
  const text = decodeUtf8(bytes.value);
  if (!text.ok) return err('not_utf8', `"${written}": not UTF-8 text (${text.error.message})`);
  return ok({ ...resolved.value, bytes: bytes.value, text: text.value });
}
