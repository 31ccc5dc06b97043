import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { tracingEnabled } from './start-tracing.js';

export { SpanKind, type Span };

const NO_SPAN = trace.wrapSpanContext({ traceId: '00000000000000000000000000000000', spanId: '0000000000000000', traceFlags: 0 });

export interface SpanSpec {
  kind?: SpanKind;
  /** Bounded values only: names, ids, outcomes. Never tokens, secrets, argument values or personal data. */
  attributes?: Attributes;
  /** The parent; the active context by default. */
  parent?: Context;
}

/**
 * Runs `work` in a new active span that ends with it. A thrown error marks the span failed with
 * `error.type` (the `outcomeOf` name for it: a stable code, never its message, which may quote
 * input) and is rethrown. Without tracing, `work` runs alone.
 */
export function inSpan<T>(name: string, spec: SpanSpec, work: (span: Span) => Promise<T>, outcomeOf: (error: unknown) => string = errorType): Promise<T> {
  if (!tracingEnabled()) return work(NO_SPAN);
  const tracer = trace.getTracer('ledgerline');
  return tracer.startActiveSpan(name, { kind: spec.kind ?? SpanKind.INTERNAL, attributes: spec.attributes }, spec.parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, outcomeOf(error));
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed, naming the error by a stable type (a code or kind). */
export function markFailed(span: Span, type: string): void {
  span.setAttribute('error.type', type).setStatus({ code: SpanStatusCode.ERROR });
}

/** An error's stable name: a domain error's `code`, else its class. */
function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.constructor.name : 'error';
}
