import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type DomainErrorKind } from '#core';

const STATUS: Record<DomainErrorKind, number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  illegal_state: 409,
};

/** Domain errors become HTTP answers here, at the edge: the status by kind, the stable code in the body. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const status = error.code === 'auth.invalid_token' ? 401 : STATUS[error.kind];
    host.switchToHttp().getResponse<Response>().status(status).json({ error: { code: error.code, message: error.message, details: error.details } });
  }
}
