import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#event-store';
import { decodeEvent, decodeMessage, encodeEvent, encodeMark, encodeViewEvent } from './event-codec.js';

const event: RecordedEvent = {
  globalPosition: 42, tenantId: 'acme', tenantPosition: 7, streamId: 'run-1', streamVersion: 3, eventId: '0193a0c0-0000-7000-8000-000000000001',
  type: 'StepSucceeded', schemaVersion: 1, data: { stepId: 'pay' }, metadata: { userId: 'alice' }, recordedAt: '2026-11-25T00:00:00.000Z', hash: 'ab'.repeat(32),
};

describe('the Kafka message of an event', () => {
  it('is keyed by tenant and stream, carries the id in a header, and decodes to the same envelope', () => {
    const message = encodeEvent(event);
    expect(message.key).toBe('acme/run-1');
    expect(message.headers).toMatchObject({ 'ledgerline-event-id': event.eventId, 'ledgerline-tenant': 'acme', 'ledgerline-position': '42' });
    expect(decodeEvent(Buffer.from(message.value))).toEqual(event);
  });

  it('refuses what is not a recorded event: no value, no JSON, another shape', () => {
    expect(() => decodeEvent(null)).toThrow(/without a value/);
    expect(() => decodeEvent(Buffer.from('not json'))).toThrow();
    expect(() => decodeEvent(Buffer.from('null'))).toThrow(/not a recorded event/);
    expect(() => decodeEvent(Buffer.from(JSON.stringify({ eventId: 'x', tenantId: 'acme' })))).toThrow(/not a recorded event/);
  });
});

describe('the messages of the topic that feeds the projections', () => {
  it('keys an event by its tenant alone, so all of a tenant\'s streams share a partition', () => {
    const message = encodeViewEvent(event);
    expect(message.key).toBe('acme');
    expect(decodeMessage({ value: Buffer.from(message.value), headers: message.headers })).toEqual({ position: 42, event });
  });

  it('marks a partition with the position the log was published up to; a mark without one is refused', () => {
    const mark = encodeMark(3, 1234);
    expect(mark).toMatchObject({ partition: 3, value: null });
    expect(decodeMessage({ value: null, headers: { 'ledgerline-mark': Buffer.from(mark.headers['ledgerline-mark']!) } })).toEqual({ position: 1234 });
    expect(() => decodeMessage({ value: null, headers: { 'ledgerline-mark': Buffer.from('soon') } })).toThrow(/without a position/);
  });
});
