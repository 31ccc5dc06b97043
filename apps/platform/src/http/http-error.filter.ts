import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';

/** The framework's refusals of bad input, by status (whatever HttpException carries them), and their codes. */
const CODES = new Map<number, string>([
  [400, 'request.invalid'],
  [404, 'route.not_found'],
  [413, 'request.too_large'],
  [415, 'request.unsupported_encoding'],
]);

/**
 * The framework's own refusals (a body that is not JSON, too large, in an unknown encoding or
 * failing its DTO, an unknown route) in the same shape as domain errors:
 * `{ error: { code, message, details } }`, so every bad input gets a typed error a client can
 * switch on. They are matched by status: the body parser's arrive as plain HttpExceptions, not as
 * PayloadTooLargeException and the like. Authentication challenges keep their own bodies.
 */
@Catch(HttpException)
export class HttpErrorFilter extends BaseExceptionFilter {
  override catch(error: HttpException, host: ArgumentsHost): void {
    const status = error.getStatus();
    const code = CODES.get(status);
    if (code === undefined) return super.catch(error, host);
    const body = error.getResponse();
    const problems = typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : error.message;
    const message = Array.isArray(problems) ? problems.join('; ') : String(problems);
    host.switchToHttp().getResponse<Response>().status(status).json({
      error: { code, message, details: Array.isArray(problems) ? { problems } : {} },
    });
  }
}
