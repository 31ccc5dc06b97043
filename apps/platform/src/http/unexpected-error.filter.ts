import { Catch, HttpException, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { storeUnavailableFrom } from '#event-store';

/**
 * The last filter asked: what no other filter claimed. A lost database is answered at once with a typed
 * 503 `store.unavailable` (and Retry-After), anything else with a typed 500 whose details stay in the
 * log; the framework's own HTTP exceptions (authentication challenges among them) keep Nest's answer.
 */
@Catch()
export class UnexpectedErrorFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Http');

  override catch(error: unknown, host: ArgumentsHost): void {
    if (error instanceof HttpException) return super.catch(error, host);
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return super.catch(error, host);
    const unavailable = storeUnavailableFrom(error);
    if (unavailable) {
      response.set('Retry-After', String(Math.ceil(unavailable.retryAfterMs / 1000)));
      response.status(503).json({ error: { code: unavailable.code, message: unavailable.message, details: {} } });
      return;
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    response.status(500).json({ error: { code: 'internal', message: 'the request failed; the error was logged', details: {} } });
  }
}
