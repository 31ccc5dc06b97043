import { createHash } from 'node:crypto';
import type { JsonValue } from '#core';
import type { RecordedEvent } from './event-store.port.js';

/** The hash before a tenant's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The part of the envelope the chain covers. The global position is left out on purpose: it is a
 * property of one installation's log, while the chain is the tenant's own and must verify the same
 * in an export or after a migration to another store.
 */
export type ChainedEnvelope = Omit<RecordedEvent, 'globalPosition' | 'hash'>;

/**
 * RFC 8785 (JCS) canonical JSON of a value already proven to be plain JSON (see assertJsonValue):
 * keys sorted by UTF-16 code units, ECMAScript number and string serialisation, no white space.
 * A lean version of the reference implementation (`canonicalize`, which the unit tests use as the
 * oracle), because it runs for every event on the append path. A value whose keys already come
 * in that order everywhere (one parsed from canonical text: every stored event's data) is
 * written by JSON.stringify, natively and at once; the same text, since every key and scalar is
 * written by JSON.stringify either way. Rebuilding the memory view spent 8% of its time here.
 */
export function canonicalJson(value: JsonValue): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (keysInOrder(value)) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]!);
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(value[key]!)}`;
  }
  return `${out}}`;
}

/**
 * Every object's keys, all the way down, come in the order canonicalJson sorts them. Object.keys
 * gives integer-like keys first in numeric order, which is then not sorted ("10" before "2"):
 * such objects go the slow way, as they must.
 */
function keysInOrder(value: JsonValue): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(keysInOrder);
  let previous: string | undefined;
  for (const key in value) {
    if (previous !== undefined && !(previous < key)) return false;
    if (!keysInOrder(value[key]!)) return false;
    previous = key;
  }
  return true;
}

/**
 * JCS of the chained envelope, with data and metadata given as their canonical JSON (the append
 * path has them already). The keys are written in their sorted order by hand.
 */
export function canonicalEnvelope(envelope: ChainedEnvelope, dataJson = canonicalJson(envelope.data), metadataJson = canonicalJson(envelope.metadata)): string {
  return (
    `{"data":${dataJson},"eventId":${JSON.stringify(envelope.eventId)},"metadata":${metadataJson},` +
    `"recordedAt":${JSON.stringify(envelope.recordedAt)},"schemaVersion":${envelope.schemaVersion},` +
    `"streamId":${JSON.stringify(envelope.streamId)},"streamVersion":${envelope.streamVersion},` +
    `"tenantId":${JSON.stringify(envelope.tenantId)},"tenantPosition":${envelope.tenantPosition},"type":${JSON.stringify(envelope.type)}}`
  );
}

/** hash_n = SHA-256(hash_{n-1} || JCS(envelope_n)), hex encoded. */
export function chainHash(previousHash: string, envelope: ChainedEnvelope, dataJson?: string, metadataJson?: string): string {
  return createHash('sha256').update(previousHash, 'hex').update(canonicalEnvelope(envelope, dataJson, metadataJson)).digest('hex');
}

/**
 * Finds the first event whose hash does not follow from its predecessor; events in tenant order.
 * A tombstone's hash is taken as given (its envelope left with the archive): the event after it
 * must link to it, so a changed tombstone hash breaks there.
 */
export function findChainBreak(events: Iterable<RecordedEvent>, previousHash = GENESIS_HASH): RecordedEvent | undefined {
  let previous = previousHash;
  for (const event of events) {
    if (event.archived !== true && chainHash(previous, event) !== event.hash) return event;
    previous = event.hash;
  }
  return undefined;
}
