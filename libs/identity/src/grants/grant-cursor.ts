import { ValidationError } from '#core';
import type { ArtifactPosition } from '../store/identity-store.port.js';

const CURSOR = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/;

/** The opaque cursor of a grants page: where its last row stands (created at, id). */
export function encodeGrantCursor(position: ArtifactPosition): string {
  return Buffer.from(`${position.createdAt}.${position.id}`).toString('base64url');
}

/** @throws ValidationError (`identity.grant.invalid_cursor`) for anything encodeGrantCursor did not make. */
export function decodeGrantCursor(cursor: string): ArtifactPosition {
  const match = /^[A-Za-z0-9_-]{1,120}$/.test(cursor) ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString('latin1')) : null;
  if (!match) throw new ValidationError('identity.grant.invalid_cursor', 'cursor: pass the nextCursor of the previous page unchanged');
  return { createdAt: Number(match[1]), id: match[2]! };
}
