import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeUtf8, readRegularFile } from './read-regular-file.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a regular file', () => {
  it('reads a file, and refuses a FIFO without blocking, a folder, and a missing path', () => {
    writeFileSync(join(dir, 'a.txt'), 'hello\n');
    expect(readRegularFile(join(dir, 'a.txt'))).toEqual({ ok: true, value: Buffer.from('hello\n') });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    expect(readRegularFile(join(dir, 'pipe'))).toMatchObject({
      ok: false,
      error: { code: 'not_regular', message: 'is a FIFO (named pipe), not a regular file' },
    });
    mkdirSync(join(dir, 'folder'));
    expect(readRegularFile(join(dir, 'folder'))).toMatchObject({ ok: false, error: { code: 'not_regular' } });
    expect(readRegularFile(join(dir, 'nope'))).toMatchObject({ ok: false, error: { code: 'missing' } });
  });

  it('decodes UTF-8 strictly and names the first bad line', () => {
    expect(decodeUtf8(Buffer.from('héllo\nwörld\n'))).toEqual({ ok: true, value: 'héllo\nwörld\n' });
    const latin1 = Buffer.concat([
      Buffer.from('ok\nstill ok\n'),
      Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      Buffer.from('\n'),
    ]);
    expect(decodeUtf8(latin1)).toMatchObject({ ok: false, error: { code: 'not_utf8', line: 3 } });
    // An encoded U+FFFD is valid text, not a decoding error.
    expect(decodeUtf8(Buffer.from('\uFFFD'))).toEqual({ ok: true, value: '\uFFFD' });
  });
});
