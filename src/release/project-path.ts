import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
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
