import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, RateLimitedError, UnavailableError, type DomainErrorKind } from '#core';

const STATUS: Record<DomainErrorKind, number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  illegal_state: 409,
  rate_limited: 429,
  unavailable: 503,
};

/** Domain errors become HTTP answers here, at the edge: the status by kind, the stable code in the body. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const status = error.code === 'auth.invalid_token' ? 401 : STATUS[error.kind];
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof RateLimitedError || error instanceof UnavailableError) response.set('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
    response.status(status).json({ error: { code: error.code, message: error.message, details: error.details } });
  }
}
