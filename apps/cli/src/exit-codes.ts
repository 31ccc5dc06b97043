import { DomainError } from '#core';
import { CommanderError } from 'commander';
import type { CliIo } from './cli-io.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
/** Invalid arguments, something named that does not exist, or a refused request: the caller must change something. */
export const EXIT_USAGE = 2;
/** The file was read and is not what it claims (`ledgerline verify`): tampered, truncated or signed by an untrusted key. */
export const EXIT_INVALID = 3;

/** A verdict, not a failure of the command: its output is printed already, only the exit code is left to give. */
export class CommandVerdict extends Error {
  constructor(readonly exitCode: number) {
    super(`exit code ${exitCode}`);
  }
}

/** Maps an error to an exit code at the CLI edge, printing what the user needs to know. */
export function exitCodeFor(error: unknown, io: CliIo): number {
  // Commander has already printed its own message (or the help).
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (error instanceof CommandVerdict) return error.exitCode;
  if (error instanceof DomainError) {
    io.stderr.write(`ledgerline: ${error.message} [${error.code}]\n`);
    // A thing the caller named that is not there (e.g. a tenant without events) is theirs to change too.
    return error.kind === 'validation' || error.kind === 'forbidden' || error.kind === 'not_found' ? EXIT_USAGE : EXIT_FAILURE;
  }
  io.stderr.write(`ledgerline: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT_FAILURE;
}
