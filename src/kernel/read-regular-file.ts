import { closeSync, constants, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { err, ok, type Problem, type Result } from './result.js';

export type ReadProblem = Problem<'missing' | 'not_regular' | 'unreadable'>;

/**
 * Reads a file that must be a regular file. A FIFO, a socket, a device or a
 * folder is refused before it is opened (a FIFO would block the reader until a
 * writer appears), and the file is opened non-blocking and checked again, so
 * one swapped in between cannot hang it either.
 */
export function readRegularFile(path: string): Result<Buffer, ReadProblem> {
  const fail = (e: unknown): ReturnType<typeof err<ReadProblem['code']>> => {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? err('missing', 'no such file') : err('unreadable', `cannot read (${code ?? String(e)})`);
  };
  try {
    if (!statSync(path).isFile()) return err('not_regular', kindOf(path));
  } catch (e) {
    return fail(e);
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return fail(e);
  }
  try {
    if (!fstatSync(fd).isFile()) return err('not_regular', 'is not a regular file');
    return ok(readFileSync(fd));
  } catch (e) {
    return fail(e);
  } finally {
    closeSync(fd);
  }
}

function kindOf(path: string): string {
  const s = statSync(path);
  if (s.isDirectory()) return 'is a folder, not a file';
  if (s.isFIFO()) return 'is a FIFO (named pipe), not a regular file';
  if (s.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8 strictly: invalid bytes are an error naming the first line
 * that holds one (never replaced by U+FFFD behind the reader's back).
 */
export function decodeUtf8(bytes: Uint8Array): Result<string, Problem<'not_utf8'> & { readonly line: number }> {
  try {
    return ok(strictUtf8.decode(bytes));
  } catch {
    // A newline byte is never inside a multi-byte character: check line by line to name the line.
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let line = 1;
    for (let at = 0; at <= buf.length; line++) {
      let end = buf.indexOf(10, at);
      if (end < 0) end = buf.length;
      if (!isUtf8(buf.subarray(at, end))) break;
      at = end + 1;
    }
    return { ok: false, error: { code: 'not_utf8', message: `line ${line} is not valid UTF-8`, line } };
  }
}
