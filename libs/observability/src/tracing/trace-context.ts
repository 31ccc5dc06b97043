import { context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** W3C trace context only: baggage is caller data, and it never travels into events or to tenants. */
const w3c = new W3CTraceContextPropagator();

/** The W3C `traceparent` of the span in `ctx` (the active one by default); undefined without a span. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  return carrier.traceparent;
}

/**
 * `base` with the remote span a `traceparent` (and `tracestate`) names, in request headers or an
 * event's metadata, or `base` unchanged when
 * there is none or it is malformed: a bad header starts a new trace, it is never an error.
 */
export function contextOfTraceparent(carrier: Readonly<Record<string, unknown>>, base: Context = ROOT_CONTEXT): Context {
  return w3c.extract(base, carrier, defaultTextMapGetter);
}

/** `traceparent` and, when there is one, `tracestate` of the active span, for an outgoing request. */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  w3c.inject(context.active(), carrier, defaultTextMapSetter);
  return carrier;
}

/** The ids logs carry to find their trace (`trace_id`, `span_id`), when a span is active in `ctx`. */
export function traceIdsOf(ctx: Context = context.active()): { trace_id: string; span_id: string } | undefined {
  const span = trace.getSpanContext(ctx);
  return span && trace.isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : undefined;
}
