import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { inSpan } from './spans.js';
import { startTracing, tracingEnabled, type Tracing } from './start-tracing.js';
import { contextOfTraceparent, traceparentOf } from './trace-context.js';

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

describe('spans', () => {
  it('without tracing: the work runs alone, and there is no trace context to record', async () => {
    expect(tracingEnabled()).toBe(false);
    expect(await inSpan('work', {}, async () => traceparentOf())).toBeUndefined();
    await expect(inSpan('work', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  describe('with tracing', () => {
    // Nothing sampled, so nothing is exported (no collector needed): the trace context still flows.
    let tracing: Tracing;
    beforeAll(async () => void (tracing = await startTracing({ serviceName: 'test', tracesUrl: 'http://127.0.0.1:9/v1/traces', sampler: 'always_off', samplerArg: 1, scheduleDelayMs: undefined })));
    afterAll(async () => {
      await tracing.shutdown();
      expect(tracingEnabled()).toBe(false);
    });

    it('nests spans in one trace and continues a given parent', async () => {
      expect(tracingEnabled()).toBe(true);
      const [outer, inner] = await inSpan('outer', {}, async () => [traceparentOf()!, await inSpan('inner', {}, async () => traceparentOf()!)]);
      expect(outer).toMatch(TRACEPARENT);
      expect(inner.match(TRACEPARENT)![1]).toBe(outer.match(TRACEPARENT)![1]);
      expect(inner).not.toBe(outer);
      const continued = await inSpan('from-event', { parent: contextOfTraceparent({ traceparent: CALLER }) }, async () => traceparentOf()!);
      expect(continued.match(TRACEPARENT)![1]).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(traceparentOf()).toBeUndefined();
    });

    it('rethrows the work’s error', async () => {
      await expect(inSpan('failing', {}, async () => Promise.reject(Object.assign(new Error('no'), { code: 'x.failed' })))).rejects.toThrow('no');
    });

    it('is one per process: a second start shares the first', async () => {
      const second = await startTracing({ serviceName: 'other', tracesUrl: 'http://127.0.0.1:9/v1/traces', sampler: 'always_on', samplerArg: 1, scheduleDelayMs: undefined });
      expect(tracingEnabled()).toBe(true);
      await second.shutdown();
      expect(tracingEnabled()).toBe(true);
    });
  });
});
