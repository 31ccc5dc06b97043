/**
 * The one error mechanism of Ledgerline: a small family of domain errors, each with a stable
 * `code` that callers may switch on. They are mapped to HTTP statuses, MCP tool errors or CLI
 * exit codes only at the edge; domain code never formats a response.
 */
export type DomainErrorKind = 'validation' | 'not_found' | 'conflict' | 'forbidden' | 'illegal_state' | 'rate_limited' | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly kind = 'validation';
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

export class IllegalStateError extends DomainError {
  readonly kind = 'illegal_state';
}

/** Too many calls: nothing was done; `details.retryAfterMs` says when trying again may succeed. */
export class RateLimitedError extends DomainError {
  readonly kind = 'rate_limited';

  constructor(code: string, message: string, readonly retryAfterMs: number, details: Readonly<Record<string, unknown>> = {}) {
    super(code, message, { ...details, retryAfterMs });
  }
}

/**
 * A dependency (the database, the broker) cannot be reached: nothing was done, or nothing is known
 * to have been done; the same call may succeed once it is back. Answered at once, never after a hang.
 */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';

  constructor(code: string, message: string, readonly retryAfterMs = 1000, details: Readonly<Record<string, unknown>> = {}, options?: { cause?: unknown }) {
    super(code, message, { ...details, retryAfterMs }, options);
  }
}
