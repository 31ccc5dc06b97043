import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { openTemporaryFor, ValidationError } from '#core';

export interface WrittenArchive {
  file: string;
  fileName: string;
  /** Hex SHA-256 of the file's bytes, read back from the disk. */
  sha256: string;
}

/**
 * Writes an archive file durably before anything is deleted: into a private temporary file,
 * synced, then linked into place (a link never replaces a file: an archive that exists is
 * evidence and is never overwritten), the directory synced too. On failure nothing is left.
 */
export async function writeArchiveFile(file: string, write: (out: Writable) => Promise<void>): Promise<WrittenArchive> {
  if (existsSync(file)) throw archiveFileError(file, 'EEXIST');
  const temporary = openTemporaryFor(file);
  try {
    await write(createWriteStream('', { fd: temporary.fd, autoClose: false }));
  } catch (error) {
    temporary.discard();
    throw error;
  }
  let placed: boolean;
  try {
    placed = temporary.placeOnce();
  } catch (error) {
    throw archiveFileError(file, (error as NodeJS.ErrnoException).code);
  }
  if (!placed) throw archiveFileError(file, 'EEXIST');
  return { file, fileName: basename(file), sha256: await sha256File(file) };
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function archiveFileError(file: string, code: string | undefined): ValidationError {
  return new ValidationError('retention.archive_file', code === 'EEXIST' ? `${file} exists: give another file` : `cannot create ${file} (${code ?? 'error'})`, { file });
}
