import type { Readable } from 'node:stream';

const NEWLINE = 0x0a;

export interface RawLine {
  /** The line's bytes without its newline. */
  bytes: Buffer;
  /** False for a last line the file ends inside (no newline after it). */
  complete: boolean;
}

/** Splits a byte stream at newlines, keeping the bytes exact (no decoding, no \r handling) so they can be hashed as written. */
export async function* ndjsonLines(input: Readable): AsyncGenerator<RawLine> {
  let pending: Buffer[] = [];
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, end);
      // A line inside one chunk is a view of it, not a copy: streams hand out a new buffer per chunk.
      yield { bytes: pending.length === 0 ? piece : Buffer.concat([...pending, piece]), complete: true };
      pending = [];
      start = end + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) yield { bytes: Buffer.concat(pending), complete: false };
}
