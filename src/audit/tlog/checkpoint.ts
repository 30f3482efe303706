import { decodeBase64 } from '../envelope/base64.js';
import { HASH_SIZE } from './merkle-hash.js';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';

/**
 * C2SP tlog-checkpoint body (the text a signed note signs):
 *
 *     <origin>\n<tree size, ASCII decimal>\n<base64 root hash>\n[<extension line>\n]...
 *
 * The origin names the log and must be non-empty; the size has no leading
 * zeros; the root is the RFC 6962 SHA-256 tree hash. Extension lines are
 * non-empty and opaque here.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  extensions: string[];
}

export type CheckpointResult = Result<Checkpoint, Problem<'malformed'>>;

const SIZE_RE = /^(?:0|[1-9][0-9]*)$/;

export function formatCheckpoint(c: {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions?: readonly string[];
}): string {
  if (c.origin === '' || c.origin.includes('\n')) throw new RangeError('checkpoint origin must be one non-empty line');
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new RangeError(`bad tree size ${c.size}`);
  if (c.root.length !== HASH_SIZE) throw new RangeError(`root must be ${HASH_SIZE} bytes`);
  const ext = c.extensions ?? [];
  if (ext.some((l) => l === '' || l.includes('\n')))
    throw new RangeError('extension lines must be non-empty single lines');
  return [c.origin, String(c.size), Buffer.from(c.root).toString('base64'), ...ext].map((l) => `${l}\n`).join('');
}

export function parseCheckpoint(text: string): CheckpointResult {
  if (!text.endsWith('\n')) return err('malformed', 'checkpoint must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === undefined || sizeText === undefined || rootText === undefined)
    return err('malformed', 'checkpoint needs origin, size and root lines');
  if (origin === '') return err('malformed', 'checkpoint origin is empty');
  if (!SIZE_RE.test(sizeText)) return err('malformed', 'checkpoint size is not a decimal number');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return err('malformed', 'checkpoint size is too large');
  const root = decodeBase64(rootText);
  if (!root || root.length !== HASH_SIZE) return err('malformed', 'checkpoint root is not a base64 SHA-256 hash');
  if (extensions.some((l) => l === '')) return err('malformed', 'checkpoint has an empty extension line');
  return ok({ origin, size, root, extensions });
}
