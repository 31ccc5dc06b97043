import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import { requestIdOf } from '#core';
import { traceIdsOf } from '../tracing/trace-context.js';
import type { LoggingSettings } from './log-config.js';
import { prettyLogStream } from './pretty-log.js';

/** What a request's log line says about the call, filled in by whoever knows it (the MCP front door, the guards). */
export interface RequestLogContext {
  tenant?: string;
  user?: string;
  client?: string;
  /** The MCP tool called (tools/call), or for REST the route. */
  tool?: string;
  /** `ok`, or the error code a tool call answered with; REST outcomes are the status code. */
  outcome?: string;
}

const CONTEXT = Symbol('ledgerline.logContext');

/** The request's path as the client sent it (Express strips a mounted prefix from `url`), without the query. */
export function pathOf(req: IncomingMessage): string {
  return ((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0]!;
}
/** Probes and scrapes: neither logged nor traced. */
export const UNLOGGED_PATHS = ['/healthz', '/readyz', '/metrics'];

/** The request's log context, created on first use. */
export function logContext(req: IncomingMessage): RequestLogContext {
  const holder = req as IncomingMessage & { [CONTEXT]?: RequestLogContext };
  return (holder[CONTEXT] ??= {});
}

/**
 * Structured logs (pino): one line per request with its id (X-Request-Id, taken from the
 * caller when well-formed, else new, and echoed), tenant, user, client, tool, latency
 * (`responseTime`, ms) and outcome; Nest's own logs too. Requests are logged by method and path
 * only: never headers (the bearer token), query strings or bodies; the serializers apply before
 * either format, so a pretty line holds nothing the JSON line does not. With traces on, every
 * line written in a span (a request's line, its span being bound to the response) names it:
 * `trace_id`, `span_id`.
 */
export function loggingModule(settings: LoggingSettings): DynamicModule {
  const options = pinoHttpOptions(settings.level);
  return LoggerModule.forRoot({ pinoHttp: settings.format === 'pretty' ? [options, prettyLogStream(settings.colors)] : options });
}

/** pino-http's options, whichever the format. */
export function pinoHttpOptions(level: string) {
  return {
    level,
    mixin: () => traceIdsOf() ?? {},
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = requestIdOf(req);
      res.setHeader('x-request-id', id);
      return id;
    },
    autoLogging: { ignore: (req: IncomingMessage) => UNLOGGED_PATHS.includes(pathOf(req)) },
    // pino-http asks at the start of the request too, when nothing is known yet: no bindings then
    // spares a child logger per request (the line, written at the end, has them all).
    // (pino-http's type says object; it tests the value for truth before binding it.)
    customProps: (req: IncomingMessage): object => {
      const context = logContext(req);
      return (Object.keys(context).length === 0 ? undefined : { ...context }) as object;
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
  };
}
