import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Creates a private file (0600, directory 0700) with this content unless it exists; true when
 * this call created it. The content is written whole and synced under a temporary name, then
 * linked into place: unlike rename, a link never replaces a file, so of two racing creators one
 * wins, no reader ever sees half a file, and a key that already protects data is never overwritten.
 */
export function createFileOnce(path: string, content: string | Uint8Array): boolean {
  const temporary = openTemporaryFor(path);
  try {
    writeSync(temporary.fd, typeof content === 'string' ? Buffer.from(content) : content);
  } catch (error) {
    temporary.discard();
    throw error;
  }
  return temporary.placeOnce();
}

/** A private temporary file beside `path`, to be written through `fd` and then placed once (or discarded). */
export interface TemporaryFile {
  fd: number;
  /** Syncs and closes it, links it to `path` unless `path` exists (false then), syncs the directory; the temporary name is gone either way. */
  placeOnce(): boolean;
  discard(): void;
}

export function openTemporaryFor(path: string): TemporaryFile {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const name = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(name, 'wx', 0o600);
  let open = true;
  const close = (): void => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    fd,
    placeOnce() {
      try {
        fsyncSync(fd);
        close();
        linkSync(name, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      } finally {
        close();
        rmSync(name, { force: true });
      }
      const directory = openSync(dirname(path), 'r');
      try {
        fsyncSync(directory);
      } finally {
        closeSync(directory);
      }
      return true;
    },
    discard() {
      close();
      rmSync(name, { force: true });
    },
  };
}
