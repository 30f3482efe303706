import { decodeBase64 } from '../envelope/base64.js';
import { HASH_SIZE } from './merkle-hash.js';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';

/**
 * C2SP tlog-proof (c2sp.org/tlog-proof): an offline-verifiable proof that an
 * entry is in a log.
 *
 *     c2sp.org/tlog-proof@v1
 *     extra <base64>            (optional, unauthenticated)
 *     index <N>                 (decimal, no leading zeros)
 *     <base64 proof hash>       (zero or more, leaf's sibling first)
 *     <empty line>
 *     <signed checkpoint note, verbatim>
 *
 * This module only encodes and decodes; verifying means checking the note
 * signature (signed-note.ts), parsing the checkpoint (checkpoint.ts) and
 * verifying inclusion of the entry's leaf hash (merkle-verify.ts).
 */

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  index: number;
  proof: Buffer[];
  /** The signed checkpoint note, verbatim (ends in a newline). */
  checkpoint: string;
  extra?: Buffer;
}

export type TlogProofResult = Result<TlogProof, Problem<'malformed'>>;

const INDEX_RE = /^index (0|[1-9][0-9]*)$/;

export function formatTlogProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0) throw new RangeError(`bad index ${p.index}`);
  if (p.proof.some((h) => h.length !== HASH_SIZE)) throw new RangeError(`proof hashes must be ${HASH_SIZE} bytes`);
  if (!p.checkpoint.endsWith('\n')) throw new RangeError('checkpoint note must end with a newline');
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra !== undefined) lines.push(`extra ${p.extra.toString('base64')}`);
  lines.push(`index ${p.index}`, ...p.proof.map((h) => h.toString('base64')), '');
  return `${lines.join('\n')}\n${p.checkpoint}`;
}

export function parseTlogProof(text: string): TlogProofResult {
  const lines = text.split('\n');
  let at = 0;
  if (lines[at++] !== TLOG_PROOF_HEADER) return err('malformed', `first line must be ${TLOG_PROOF_HEADER}`);
  let extra: Buffer | undefined;
  if (lines[at]?.startsWith('extra ')) {
    extra = decodeBase64((lines[at++] as string).slice('extra '.length));
    if (!extra) return err('malformed', 'extra data is not base64');
  }
  const indexMatch = INDEX_RE.exec(lines[at++] ?? '');
  const index = Number(indexMatch?.[1]);
  if (!indexMatch || !Number.isSafeInteger(index)) return err('malformed', 'expected "index <N>"');
  const proof: Buffer[] = [];
  for (; at < lines.length && lines[at] !== ''; at++) {
    const h = decodeBase64(lines[at] as string);
    if (!h || h.length !== HASH_SIZE) return err('malformed', `proof line ${at + 1} is not a base64 SHA-256 hash`);
    proof.push(h);
  }
  if (at >= lines.length) return err('malformed', 'missing empty line before the checkpoint');
  const checkpoint = lines.slice(at + 1).join('\n');
  if (checkpoint === '' || !checkpoint.endsWith('\n')) return err('malformed', 'missing checkpoint note');
  return ok(extra === undefined ? { index, proof, checkpoint } : { index, proof, checkpoint, extra });
}
