import type { CommandMetadata, JsonObject } from '#core';
import { assertTenantId, eventMetadataOf, type EventStore } from '#event-store';
import type { PersonalDataVault } from '#keys';
import { PURGES_STREAM, type PurgeTarget } from './purge.events.js';
import { InvalidPurgeError } from './purge.errors.js';

export const SUBJECT = /^[\x21-\x7e]{1,256}$/;

export interface PurgeResult {
  tenantId: string;
  target: PurgeTarget;
  keysDestroyed: number;
  /** Global position of the PurgeCompleted event. */
  position: number;
}

/** Checks a purge request as a caller gave it; throws InvalidPurgeError (nothing appended, nothing destroyed). */
export function parsePurgeTarget(input: { subject?: unknown; wholeTenant?: unknown }): PurgeTarget {
  // Anything but a boolean is refused: `"yes"` or null beside a subject silently purged the subject instead.
  if (input.wholeTenant !== undefined && typeof input.wholeTenant !== 'boolean') {
    throw new InvalidPurgeError('purge.target', 'wholeTenant is true or false');
  }
  const wantsTenant = input.wholeTenant === true;
  if (wantsTenant === (input.subject !== undefined)) {
    throw new InvalidPurgeError('purge.target', 'say what to purge: a subject (a user id of the tenant), or the whole tenant — exactly one');
  }
  if (wantsTenant) return { kind: 'tenant' };
  if (typeof input.subject !== 'string' || !SUBJECT.test(input.subject)) {
    throw new InvalidPurgeError('purge.subject', 'the subject must be a user id: 1-256 printable ASCII characters without spaces');
  }
  return { kind: 'subject', subject: input.subject };
}

/**
 * Crypto-shredding on request: records the request, destroys the keys of the subject (or all the
 * tenant's keys), and records the outcome. Events stay as they are, so the hash chain still
 * verifies; what the keys sealed reads as ERASED in tool results, views and exports from now on.
 * Re-running a purge is harmless (it destroys nothing more and says so).
 */
export async function purgePersonalData(store: EventStore, personalData: PersonalDataVault, metadata: CommandMetadata, target: PurgeTarget): Promise<PurgeResult> {
  const { tenantId } = metadata;
  assertTenantId(tenantId);
  const eventMetadata = eventMetadataOf(metadata);
  const data = { target } as unknown as JsonObject;
  await store.append(tenantId, PURGES_STREAM, 'any', [{ type: 'PurgeRequested', data, metadata: eventMetadata }]);
  const keysDestroyed = target.kind === 'subject' ? await personalData.eraseSubject(tenantId, target.subject) : await personalData.eraseTenant(tenantId);
  const completed = await store.append(tenantId, PURGES_STREAM, 'any', [{ type: 'PurgeCompleted', data: { ...data, keysDestroyed }, metadata: eventMetadata }]);
  return { tenantId, target, keysDestroyed, position: completed.lastGlobalPosition };
}
