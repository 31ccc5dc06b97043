import { Catch, HttpException, type ArgumentsHost, type HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { allowedMethods } from './allowed-methods.js';

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
 * PayloadTooLargeException and the like. Authentication challenges keep their own bodies. A
 * known path asked with a method it does not have is a 405 with the methods it has in `Allow`
 * (`route.method_not_allowed`), not Express's 404.
 */
@Catch(HttpException)
export class HttpErrorFilter extends BaseExceptionFilter {
  constructor(private readonly server: HttpServer) {
    super(server);
  }

  override catch(error: HttpException, host: ArgumentsHost): void {
    const status = error.getStatus();
    if (status === 404 && this.refusedMethod(host)) return;
    const code = CODES.get(status);
    if (code === undefined) return super.catch(error, host);
    const body = error.getResponse();
    const problems = typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : error.message;
    const message = Array.isArray(problems) ? problems.join('; ') : String(problems);
    host.switchToHttp().getResponse<Response>().status(status).json({
      error: { code, message, details: Array.isArray(problems) ? { problems } : {} },
    });
  }

  /** A 404 from the router for a path that exists with other methods: answered 405 here. */
  private refusedMethod(host: ArgumentsHost): boolean {
    const request = host.switchToHttp().getRequest<Request>();
    const allowed = allowedMethods(this.server.getInstance(), request.path);
    if (allowed.length === 0 || allowed.includes(request.method)) return false;
    host.switchToHttp().getResponse<Response>().status(405).set('Allow', allowed.join(', ')).json({
      error: { code: 'route.method_not_allowed', message: `${request.method} is not allowed on this path`, details: { allowed } },
    });
    return true;
  }
}
