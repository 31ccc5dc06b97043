import { describe, expect, it } from '@jest/globals';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { contextOfTraceparent, traceIdsOf, traceparentOf } from './trace-context.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('W3C trace context', () => {
  it('continues a well-formed traceparent, from headers or from event metadata', () => {
    const ctx = contextOfTraceparent({ traceparent: TRACEPARENT, tracestate: 'vendor=1' });
    expect(traceIdsOf(ctx)).toEqual({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' });
    expect(traceparentOf(ctx)).toBe(TRACEPARENT);
    expect(traceparentOf(contextOfTraceparent({ userId: 'u', traceparent: TRACEPARENT }))).toBe(TRACEPARENT);
  });

  it('ignores a malformed or missing traceparent: a new trace, not an error', () => {
    for (const traceparent of [undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', `00-${'z'.repeat(32)}-00f067aa0ba902b7-01`, 42]) {
      const ctx = contextOfTraceparent({ traceparent });
      expect(ctx).toBe(ROOT_CONTEXT);
      expect(traceIdsOf(ctx)).toBeUndefined();
      expect(traceparentOf(ctx)).toBeUndefined();
    }
  });
});
