import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** Bytes of text per block before deflating (a block is cut after the first newline past this). */
const BLOCK = 64 * 1024;

/**
 * Text held deflated, in blocks of whole lines, and read back a block at a time:
 * a suite of tens of MB is kept in a few MB while a long run reads it in order.
 * Blocks are cut just after a newline byte (never inside a UTF-8 character).
 */
export class PackedLines {
  private constructor(
    private readonly blocks: readonly Buffer[],
    /** Bytes of the text. */
    readonly size: number,
  ) {}

  static pack(bytes: Uint8Array, block = BLOCK): PackedLines {
    const blocks: Buffer[] = [];
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at < buf.length; ) {
      const nl = at + block < buf.length ? buf.indexOf(10, at + block - 1) : -1;
      const end = nl < 0 ? buf.length : nl + 1;
      blocks.push(deflateRawSync(buf.subarray(at, end), { level: 1 }));
      at = end;
    }
    return new PackedLines(blocks, buf.length);
  }

  /** Bytes held. */
  get packedSize(): number {
    return this.blocks.reduce((n, b) => n + b.length, 0);
  }

  /** The text's "\n"-separated pieces, the last one too (as `text.split('\n')` gives them), one block decoded at a time. */
  *lines(): Generator<string> {
    if (this.blocks.length === 0) yield '';
    for (let k = 0; k < this.blocks.length; k++) {
      const text = inflateRawSync(this.blocks[k]!).toString('utf8');
      const last = k === this.blocks.length - 1;
      let at = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', at)) {
        yield text.slice(at, end);
        at = end + 1;
      }
      // A block other than the last ends with its newline: nothing follows it there.
      if (last) yield text.slice(at);
    }
  }
}
