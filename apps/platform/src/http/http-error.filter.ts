import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';

const CODES = new Map<number, string>([
  [400, 'request.invalid'],
  [404, 'route.not_found'],
  [413, 'request.too_large'],
]);

/**
 * The framework's own refusals (a body that is not JSON or fails its DTO, an unknown route, a body
 * too large) in the same shape as domain errors: `{ error: { code, message, details } }`, so every
 * bad input gets a typed error a client can switch on. Caught by status, not class: the body
 * parser's refusals reach the filters as plain HttpExceptions. Authentication challenges (401,
 * 403) and anything else keep the framework's answer.
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
