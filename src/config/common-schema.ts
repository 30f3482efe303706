import { isAbsolute, posix, win32 } from 'node:path';
import { z } from 'zod';

export const digestSchema = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:" followed by 64 lowercase hex digits');

/**
 * A path relative to the project, that stays inside it as written (no absolute
 * path, no `..` leading out); checked against the file system (symlinks,
 * regular file, UTF-8) when it is read.
 */
export const projectPathSchema = z
  .string()
  .min(1, 'expected a path relative to the project')
  .refine((p) => !isAbsolute(p) && !win32.isAbsolute(p), {
    message: 'is absolute; paths are relative to the project',
  })
  .refine((p) => !escapesProject(p), { message: 'points outside the project ("..")' });

function escapesProject(p: string): boolean {
  const n = posix.normalize(p.replace(/\\/g, '/'));
  return n === '..' || n.startsWith('../');
}

/** Names of providers, judges and routes. */
export const nameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, ".", "_" or "-", starting with a letter or digit');

/** A slice path such as "fr/fr-BE": non-empty segments separated by "/". */
export const slicePathSchema = z
  .string()
  .regex(/^[^/\s]+(\/[^/\s]+)*$/, 'expected a slice path of non-empty segments separated by "/"');

export const ratio = z.number().min(0);
export const fraction = z.number().min(0).max(1);
export const positiveInt = z.number().int().positive();

/** The source of a regular expression that compiles with `flags`, the flags it is used with. */
export function regExpSchema(flags: string) {
  return z.string().refine((pattern) => {
    try {
      new RegExp(pattern, flags);
      return true;
    } catch {
      return false;
    }
  }, 'expected a valid regular expression');
}
