import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { logContext, pathOf, UNLOGGED_PATHS } from '../logging/logging.js';
import { tracingEnabled } from './start-tracing.js';
import { contextOfTraceparent } from './trace-context.js';

/** Paths whose span name is the path itself: fixed, with no caller data in them. */
const FIXED_ROUTES = new Set(['/mcp']);

/**
 * Express middleware, mounted before any other: one SERVER span per request, continuing the
 * caller's trace when it sends a well-formed `traceparent` (a malformed one starts a new trace).
 * The rest of the request runs in the span's context (its events bound to it, so body parsers do
 * not lose it, and the request's log line, written on `finish`, names the span). The span names the
 * route template, never the path: paths may carry keys and names.
 */
export function httpTracing(): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    const path = pathOf(req);
    if (!tracingEnabled() || UNLOGGED_PATHS.includes(path)) return next();
    const parent = contextOfTraceparent(req.headers);
    const method = req.method ?? 'GET';
    const span = trace.getTracer('ledgerline').startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }, parent);
    const active = trace.setSpan(parent, span);
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      const route = (req as IncomingMessage & { route?: { path?: unknown } }).route?.path;
      // A route with a splat is a middleware's mount ('{/*splat}'), not the request's route.
      const template = FIXED_ROUTES.has(path) ? path : typeof route === 'string' && !route.includes('*') ? route : undefined;
      if (template !== undefined) span.updateName(`${method} ${template}`).setAttribute('http.route', template);
      const tenant = logContext(req).tenant;
      if (tenant !== undefined) span.setAttribute('ledgerline.tenant.id', tenant);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR }).setAttribute('error.type', String(res.statusCode));
      span.end();
    };
    res.once('finish', end).once('close', end);
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };
}
