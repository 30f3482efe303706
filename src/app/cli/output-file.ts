import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { SluiceError } from '../../kernel/errors.js';

/** What a command writes, and how to recognise a file it wrote before (from the file's first bytes). */
export interface OutputKind {
  /** Named in messages: "a JUnit report", "an audit bundle". */
  readonly description: string;
  readonly isPrevious: (head: string) => boolean;
}

/** A checked output path: written at once (temp file in the same folder, then rename), later. */
export interface OutputFile {
  readonly flag: string;
  /** The absolute path written (its folder resolved through symlinks). */
  readonly path: string;
  write(content: string | Uint8Array): void;
}

const HEAD_BYTES = 4096;
/** Where Sluice keeps its store and signing keys: never a report's destination. */
const STATE_DIR = '.sluice';

function refuse(flag: string, file: string, why: string): never {
  throw new SluiceError('bad_usage', `${flag} ${file}: ${why}`);
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** The first bytes of a regular file, read without following a link and without blocking on a FIFO. */
function headOf(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

/** A path with its folder resolved through symlinks (as `check` resolves a target), or as given when the folder is gone. */
function canonical(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

interface CheckOptions {
  readonly force: boolean;
  /** Files never replaced, even with --force (canonical paths). */
  readonly protect: ReadonlySet<string>;
}

function check(cwd: string, flag: string, file: string, kind: OutputKind, opts: CheckOptions): OutputFile {
  if (file.trim() === '' || file.endsWith('/') || file.endsWith(sep)) refuse(flag, file, 'needs a file name');
  const wanted = resolve(cwd, file);
  const folder = dirname(wanted);
  let realFolder: string;
  try {
    realFolder = realpathSync(folder);
    if (!statSync(realFolder).isDirectory()) refuse(flag, file, `${folder} is not a folder`);
  } catch (e) {
    if (e instanceof SluiceError) throw e;
    refuse(
      flag,
      file,
      errno(e) === 'ENOENT' ? `the folder ${folder} does not exist` : `cannot use ${folder} (${errno(e)})`,
    );
  }
  if ([...wanted.split(sep), ...realFolder.split(sep)].includes(STATE_DIR))
    refuse(flag, file, `is inside ${STATE_DIR}/, where Sluice keeps its store and signing keys`);
  try {
    accessSync(realFolder, constants.W_OK);
  } catch {
    refuse(flag, file, `the folder ${folder} is not writable`);
  }
  const path = join(realFolder, basename(wanted));
  if (opts.protect.has(path))
    refuse(flag, file, "is the project's store or its signing key; Sluice never writes a report over it");
  let existing: ReturnType<typeof lstatSync> | undefined;
  try {
    existing = lstatSync(path);
  } catch (e) {
    if (errno(e) !== 'ENOENT') refuse(flag, file, `cannot check it (${errno(e)})`);
  }
  if (existing) {
    if (existing.isSymbolicLink()) refuse(flag, file, 'is a symbolic link; Sluice never writes through one');
    if (!existing.isFile()) refuse(flag, file, 'exists and is not a regular file');
    if (!opts.force && !kind.isPrevious(headOf(path)))
      refuse(flag, file, `exists and is not ${kind.description} written by Sluice; pass --force to replace it`);
  }
  return { flag, path, write: (content) => writeAtomically(path, content) };
}

/**
 * Writes the whole content to a new file beside `path`, flushes it, then
 * renames it over `path`: a reader sees the old file or the new one, never a
 * half-written one, and a link at `path` is replaced, never followed.
 */
function writeAtomically(path: string, content: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    try {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {}
    throw e;
  }
}

export interface OutputOptions {
  /** Replace an existing regular file that is not an earlier report of the same kind. */
  readonly force?: boolean | undefined;
  /** Files never replaced, even with `force`: the store's files, a signing key (see CliContext.protectedFiles). */
  readonly protect?: readonly string[];
}

/** A file a command may write: the path is undefined when the flag was not given. */
export interface OutputRequest {
  /** The flag as the user typed it, for messages: `--junit`. */
  readonly flag: string;
  /** The path as given, relative to `cwd`; undefined: not asked for. */
  readonly file: string | undefined;
  readonly kind: OutputKind;
}

/**
 * Checks every file a command will write before it does anything else, so a
 * bad path (a missing folder, `.sluice/`, a symlink, a file that is not a
 * previous report of the same kind without `--force`, the same file twice)
 * is bad usage (exit 2) with nothing written or stored. Returns the checked
 * files by the same names; a request without a file has none.
 */
export function prepareOutputFiles<K extends string>(
  cwd: string,
  requests: Readonly<Record<K, OutputRequest>>,
  opts: OutputOptions = {},
): Partial<Record<K, OutputFile>> {
  const checks: CheckOptions = { force: opts.force === true, protect: new Set((opts.protect ?? []).map(canonical)) };
  const out: Partial<Record<K, OutputFile>> = {};
  const seen: OutputFile[] = [];
  for (const name of Object.keys(requests) as K[]) {
    const r = requests[name];
    if (r.file === undefined) continue;
    const checked = check(cwd, r.flag, r.file, r.kind, checks);
    const twice = seen.find((o) => o.path === checked.path);
    if (twice) refuse(r.flag, r.file, `is the same file as ${twice.flag}`);
    seen.push(checked);
    out[name] = checked;
  }
  return out;
}

/** One output file (a required `--out`), checked as `prepareOutputFiles` checks them. */
export function prepareOutputFile(
  cwd: string,
  request: OutputRequest & { readonly file: string },
  opts: OutputOptions = {},
): OutputFile {
  return prepareOutputFiles(cwd, { out: request }, opts).out!;
}
