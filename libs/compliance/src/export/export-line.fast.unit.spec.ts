import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '#core';
import { canonicalJson } from '#event-store';
import { isPlainEventLine } from './export-line.fast.js';
import { eventLineSchema } from './export-line.schema.js';

const event = {
  globalPosition: 7, tenantId: 'acme', tenantPosition: 3, streamId: 'memory:user:u1:notes', streamVersion: 2, eventId: 'e-1', type: 'MemoryItemPut',
  schemaVersion: 1, data: { key: 'k', value: { n: 1 } }, metadata: { userId: 'u1' }, recordedAt: '2025-03-01T09:00:00.000Z', hash: 'a'.repeat(64),
};
const line = (patch: (line: Record<string, unknown> & { event: Record<string, unknown> }) => void): string => {
  const copy = JSON.parse(JSON.stringify({ kind: 'event', event, opened: { note: 'x' } })) as Record<string, unknown> & { event: Record<string, unknown> };
  patch(copy);
  return JSON.stringify(copy);
};

describe('the verifier fast paths', () => {
  it.each<[string, string]>([
    ['a number out of range in the data', line((l) => (l.event.data = { n: 0 })).replace('"n":0', '"n":1e400')],
    ['a number out of range in opened', line((l) => (l.opened = { n: 0 })).replace('"n":0', '"n":1e400')],
    ['a member too many', line((l) => (l.event.extra = 1))],
    ['a member too many on the line', line((l) => (l.more = 1))],
    ['a member missing', line((l) => delete l.event.recordedAt)],
    ['a position of 0', line((l) => (l.event.tenantPosition = 0))],
    ['a fractional schema version', line((l) => (l.event.schemaVersion = 1.5))],
    ['an upper-case hash', line((l) => (l.event.hash = 'A'.repeat(64)))],
    ['metadata that is an array', line((l) => (l.event.metadata = []))],
    ['a tenant id that is a number', line((l) => (l.event.tenantId = 5))],
  ])('never passes a line the schema refuses: %s', (_name, text) => {
    const parsed = JSON.parse(text) as unknown;
    expect(eventLineSchema.safeParse(parsed).success).toBe(false);
    expect(isPlainEventLine(parsed)).toBe(false);
  });

  it('passes an export\'s event line, with and without opened, as the schema does', () => {
    for (const text of [line(() => undefined), line((l) => delete l.opened)]) {
      const parsed = JSON.parse(text) as unknown;
      expect(eventLineSchema.safeParse(parsed).success).toBe(true);
      expect(isPlainEventLine(parsed)).toBe(true);
    }
  });
});
