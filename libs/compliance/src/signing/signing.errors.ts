import { ValidationError } from '#core';

/** The export signing key (or a trusted public key) is missing, unreadable or not Ed25519. */
export class SigningKeyError extends ValidationError {
  constructor(message: string, details: Readonly<Record<string, unknown>> = {}, cause?: unknown) {
    super('compliance.signing_key', message, details, { cause });
  }
}
