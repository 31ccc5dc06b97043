import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#core';

/** The token of a confirmation link or round is not one the platform made (tampered, another tenant's, garbled). */
export class InvalidConfirmationError extends ValidationError {
  constructor() {
    super('confirmation.invalid', 'this confirmation is not valid: ask for the call again to get a new one');
  }
}

export class ConfirmationExpiredError extends ValidationError {
  constructor() {
    super('confirmation.expired', 'this confirmation has expired: ask for the call again to get a new one');
  }
}

/** Another person's confirmation answers as missing: nothing about the call it names is shown. */
export class ConfirmationNotFoundError extends NotFoundError {
  constructor() {
    super('confirmation.not_found', 'no such confirmation for you');
  }
}

/** The link was for an earlier round: the call has been confirmed (or used) since. */
export class ConfirmationStaleError extends ConflictError {
  constructor() {
    super('confirmation.stale', 'this confirmation was already given or used; ask for the call again to get a new one');
  }
}

/** The person declined the confirmation in their client. */
export class ConfirmationDeclinedError extends ForbiddenError {
  constructor(tool: string) {
    super('tool.confirmation_declined', `the call of ${tool} was not confirmed: nothing was done`, { tool });
  }
}

/** The client can answer neither a form nor a URL elicitation, so the call cannot be confirmed through it. */
export class ConfirmationUnsupportedError extends ForbiddenError {
  constructor(tool: string) {
    super('tool.confirmation_unsupported', `${tool} needs the person's confirmation, and this client declares no elicitation to ask for it; use a client that does, or the console`, { tool });
  }
}
