import { BadRequestException, Catch, NotFoundException, PayloadTooLargeException, type ArgumentsHost, type ExceptionFilter, type HttpException } from '@nestjs/common';
import type { Response } from 'express';

const CODES = new Map<number, string>([
  [400, 'request.invalid'],
  [404, 'route.not_found'],
  [413, 'request.too_large'],
]);

/**
 * The framework's own refusals (a body that is not JSON or fails its DTO, an unknown route, a body
 * too large) in the same shape as domain errors: `{ error: { code, message, details } }`, so every
 * bad input gets a typed error a client can switch on. Authentication challenges keep their own.
 */
@Catch(BadRequestException, NotFoundException, PayloadTooLargeException)
export class HttpErrorFilter implements ExceptionFilter {
  catch(error: HttpException, host: ArgumentsHost): void {
    const status = error.getStatus();
    const body = error.getResponse();
    const problems = typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : error.message;
    const message = Array.isArray(problems) ? problems.join('; ') : String(problems);
    host.switchToHttp().getResponse<Response>().status(status).json({
      error: { code: CODES.get(status) ?? 'request.refused', message, details: Array.isArray(problems) ? { problems } : {} },
    });
  }
}
