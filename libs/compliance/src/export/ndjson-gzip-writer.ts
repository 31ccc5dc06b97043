import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';

/**
 * Writes NDJSON lines through gzip to `out` with back-pressure (a full buffer waits for 'drain'),
 * hashing the uncompressed bytes as they go. A failure of `out` (a client that went away)
 * fails the next write instead of leaving it waiting.
 */
export class NdjsonGzipWriter {
  private readonly gzip = createGzip();
  private readonly content = createHash('sha256');
  private failure: Error | undefined;

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
    return this.content.copy().digest('hex');
  }

  async writeLine(line: object): Promise<void> {
    await this.writeRaw(`${JSON.stringify(line)}\n`, true);
  }

  /** The last line, left out of the content hash (the manifest carries that hash), then the end of the stream. */
  async finish(lastLine: object): Promise<void> {
    await this.writeRaw(`${JSON.stringify(lastLine)}\n`, false);
    this.gzip.end();
    await (this.endOut ? finished(this.out) : finished(this.gzip));
    if (this.failure) throw this.failure;
  }

  /** Stops the export: `out` sees an error instead of a file that looks whole. */
  abort(error: Error): void {
    this.failure ??= error;
    this.gzip.destroy(error);
    if (this.endOut) this.out.destroy(error);
  }

  private async writeRaw(text: string, hashed: boolean): Promise<void> {
    if (this.failure) throw this.failure;
    const bytes = Buffer.from(text);
    if (hashed) this.content.update(bytes);
    if (!this.gzip.write(bytes)) await once(this.gzip, 'drain');
    if (this.failure) throw this.failure;
  }
}
