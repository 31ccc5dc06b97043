import { ValidationError } from '#core';

/**
 * A start that fails ends the process with 1. A refused configuration (a typed ValidationError,
 * `config.invalid` and its kin) is one line naming the variable: nothing of the stack is the
 * operator's to read. Anything else is unexpected and printed whole.
 */
export function failStart(error: unknown): never {
  if (error instanceof ValidationError) process.stderr.write(`ledgerline: cannot start: ${error.message} [${error.code}]\n`);
  else console.error(error);
  process.exit(1);
}
