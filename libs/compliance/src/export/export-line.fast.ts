import type { JsonValue } from '#core';

/**
 * The verifier's fast paths. The zod schemas (export-line.schema.ts) stay the judges: a line the
 * fast check does not pass is handed to them, and only they describe what is wrong. So a fast
 * check may refuse more than the schema (the line then costs the schema's time) but never pass a
 * line the schema refuses. Verifying a million events spent a quarter of its time in zod.
 */

const HASH = /^[0-9a-f]{64}$/;
const EVENT_LINE_KEYS = new Set(['kind', 'event', 'opened']);
const ENVELOPE_KEYS = ['globalPosition', 'tenantId', 'tenantPosition', 'streamId', 'streamVersion', 'eventId', 'type', 'schemaVersion', 'data', 'metadata', 'recordedAt', 'hash'] as const;

/** True only for a line eventLineSchema accepts as it is. */
export function isPlainEventLine(line: unknown): boolean {
  if (!isObject(line) || line.kind !== 'event') return false;
  for (const key in line) if (!EVENT_LINE_KEYS.has(key)) return false;
  if ('opened' in line && !isJson(line.opened)) return false;
  const event = line.event;
  if (!isObject(event)) return false;
  let members = 0;
  for (const key in event) {
    members++;
    if (!(ENVELOPE_KEYS as readonly string[]).includes(key)) return false;
  }
  return (
    members === ENVELOPE_KEYS.length &&
    isPosition(event.globalPosition) && isPosition(event.tenantPosition) && isPosition(event.streamVersion) &&
    typeof event.tenantId === 'string' && typeof event.streamId === 'string' && typeof event.eventId === 'string' &&
    typeof event.type === 'string' && typeof event.recordedAt === 'string' &&
    Number.isSafeInteger(event.schemaVersion) &&
    typeof event.hash === 'string' && HASH.test(event.hash) &&
    isJson(event.data) && isObject(event.metadata) && isJson(event.metadata)
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPosition(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

/** What z.json() accepts of a JSON.parse result: everything but numbers out of range (1e400 parses as Infinity). */
function isJson(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(isJson);
  for (const key in value) if (!isJson((value as Record<string, unknown>)[key])) return false;
  return true;
}
