import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { RecordedEvent } from './event-store.port.js';

/** The hash before a tenant's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The part of the envelope the chain covers. The global position is left out on purpose: it is a
 * property of one installation's log, while the chain is the tenant's own and must verify the same
 * in an export or after a migration to another store.
 */
export type ChainedEnvelope = Omit<RecordedEvent, 'globalPosition' | 'hash'>;

/** RFC 8785 (JCS) canonical JSON: the same bytes for the same value, whatever its key order. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

/** hash_n = SHA-256(hash_{n-1} || canonical(envelope_n)), hex encoded. */
export function chainHash(previousHash: string, envelope: ChainedEnvelope): string {
  const canonical: ChainedEnvelope = {
    tenantId: envelope.tenantId,
    tenantPosition: envelope.tenantPosition,
    streamId: envelope.streamId,
    streamVersion: envelope.streamVersion,
    eventId: envelope.eventId,
    type: envelope.type,
    schemaVersion: envelope.schemaVersion,
    data: envelope.data,
    metadata: envelope.metadata,
    recordedAt: envelope.recordedAt,
  };
  return createHash('sha256').update(Buffer.from(previousHash, 'hex')).update(canonicalJson(canonical)).digest('hex');
}

/** Finds the first event whose hash does not follow from its predecessor; events in tenant order. */
export function findChainBreak(events: Iterable<RecordedEvent>, previousHash = GENESIS_HASH): RecordedEvent | undefined {
  let previous = previousHash;
  for (const event of events) {
    if (chainHash(previous, event) !== event.hash) return event;
    previous = event.hash;
  }
  return undefined;
}
