import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { TransformOptions, Writable } from 'node:stream';
import { createGzip, type ZlibOptions } from 'node:zlib';

/**
 * Lines gathered before they go to gzip. Each write to a zlib stream is one job on libuv's
 * thread pool and one callback back: written a line at a time, an export of a million events
 * spent more time handing lines over (and idle, waiting for them) than compressing them.
 */
const CHUNK_CHARS = 128 * 1024;
/**
 * gzip's fastest level: the export's gzip runs beside the main thread and set its pace (level 6
 * took half again the CPU for a file 4% smaller: 36.5 against 35.1 MB for 200,000 memory puts).
 * The level changes the compressed bytes only; the lines, their hash and the signature are the
 * same, and any gzip reader (the verifier too) reads every level.
 */
const GZIP_LEVEL = 1;
/** Output buffer of the gzip stream: fewer, larger hand-overs from the thread pool than its 16 KiB default. */
const GZIP_CHUNK_BYTES = 64 * 1024;
/**
 * What gzip may hold before a write waits for it: a few chunks. At zlib's 16 KiB default every
 * 128 KiB chunk waited until gzip had compressed it, and the thread preparing lines sat idle
 * (16 % of an export's time) while the other core compressed; with room for chunks in flight
 * the two overlap, and memory still holds a bounded few.
 */
const GZIP_WRITE_BUFFER_BYTES = 4 * CHUNK_CHARS;
/** zlib hands its options to its Transform too; @types/node's ZlibOptions leaves the stream's own out. */
const GZIP_OPTIONS: ZlibOptions & TransformOptions = { level: GZIP_LEVEL, chunkSize: GZIP_CHUNK_BYTES, writableHighWaterMark: GZIP_WRITE_BUFFER_BYTES };

/**
 * Writes NDJSON lines through gzip to `out` with back-pressure (a full buffer waits for 'drain'),
 * hashing the uncompressed bytes. Lines are handed to gzip in chunks of about 128 KiB
 * (the bytes are the same: gzip sees one stream either way), so memory holds one chunk and
 * what gzip and `out` buffer up to their high-water marks. A failure of `out` (a client that
 * went away) fails the next write instead of leaving it waiting.
 */
export class NdjsonGzipWriter {
  private readonly gzip = createGzip(GZIP_OPTIONS);
  private readonly content = createHash('sha256');
  private failure: Error | undefined;
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(private readonly out: Writable, private readonly endOut = true) {
    this.gzip.pipe(out, { end: endOut });
    const fail = (error: Error) => {
      this.failure ??= error;
      this.gzip.destroy(this.failure);
    };
    out.on('error', fail);
    out.on('close', () => {
      if (!out.writableFinished) fail(new Error('the export destination closed before the export was complete'));
    });
    this.gzip.on('error', (error) => (this.failure ??= error));
  }

  /** The SHA-256 (hex) of every line written so far, newlines included. */
  contentSha256(): string {
    const content = this.content.copy();
    if (this.pending.length > 0) content.update(this.pending.join(''));
    return content.digest('hex');
  }

  /**
   * Adds a line. Returns a promise only when the gathered chunk went to gzip (resolved once gzip
   * took it: back-pressure); otherwise nothing, so that a caller writing a million lines awaits
   * only the few hundred chunks, not every line.
   */
  writeLine(line: object): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    const text = `${JSON.stringify(line)}\n`;
    this.pending.push(text);
    this.pendingChars += text.length;
    return this.pendingChars >= CHUNK_CHARS ? this.flush() : undefined;
  }

  /** The last line, left out of the content hash (the manifest carries that hash), then the end of the stream. */
  async finish(lastLine: object): Promise<void> {
    await this.flush();
    await this.writeChunk(Buffer.from(`${JSON.stringify(lastLine)}\n`));
    this.gzip.end();
    await (this.endOut ? finished(this.out) : finished(this.gzip));
    if (this.failure) throw this.failure;
  }

  /** Stops the export: `out` sees an error instead of a file that looks whole. */
  abort(error: Error): void {
    this.failure ??= error;
    this.pending = [];
    this.gzip.destroy(error);
    if (this.endOut) this.out.destroy(error);
  }

  /** The lines gathered so far, in one chunk. */
  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    // Hashed a chunk at a time, as gzip gets it: a hash update per line cost 4.5% of an export.
    const chunk = Buffer.from(this.pending.join(''));
    this.content.update(chunk);
    this.pending = [];
    this.pendingChars = 0;
    await this.writeChunk(chunk);
  }

  private async writeChunk(bytes: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (bytes.length > 0 && !this.gzip.write(bytes)) await once(this.gzip, 'drain');
    if (this.failure) throw this.failure;
  }
}
