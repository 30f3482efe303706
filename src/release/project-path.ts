import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type ProjectPathResult =
  | { ok: true; absolute: string; path: string }
  | { ok: false; code: 'absolute' | 'escapes' | 'missing' | 'symlink_escapes'; message: string };

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
    return { ok: false, code: 'absolute', message: `"${written}" is absolute; paths are relative to the project` };
  }
  const root = resolve(projectDir);
  const absolute = resolve(root, written);
  if (!inside(root, absolute)) {
    return { ok: false, code: 'escapes', message: `"${written}" points outside the project` };
  }
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    return { ok: false, code: 'missing', message: `"${written}": no such file` };
  }
  if (!inside(realpathSync(root), real)) {
    return { ok: false, code: 'symlink_escapes', message: `"${written}" is a link to a file outside the project` };
  }
  return { ok: true, absolute: real, path: relative(root, absolute).split(sep).join('/') };
}
