import { createHash } from 'node:crypto';

/** Memory shared by the whole tenant, or private to the calling user. */
export type MemoryScope = 'user' | 'tenant';

const PLAIN_USER = /^[A-Za-z0-9._@+=-]{1,64}$/;

/**
 * The stream of one memory namespace. A user's private namespaces live in streams named after the
 * user; user ids that do not fit a stream id are hashed, so no id can collide with another's.
 */
export function memoryStreamId(scope: MemoryScope, userId: string, namespace: string): string {
  return scope === 'tenant' ? `memory:tenant:${namespace}` : `memory:user:${memoryOwner('user', userId)}:${namespace}`;
}

/** Whose namespace it is, as streams and views name it: '' for tenant-wide memory. */
export function memoryOwner(scope: MemoryScope, userId: string): string {
  if (scope === 'tenant') return '';
  return PLAIN_USER.test(userId) ? userId : `h-${createHash('sha256').update(userId).digest('hex').slice(0, 40)}`;
}

/** Whose personal data a namespace's values are: the user's for private memory, the tenant's (undefined) for tenant-wide memory. */
export function memorySubject(scope: MemoryScope, userId: string): string | undefined {
  return scope === 'tenant' ? undefined : userId;
}

/** The namespace a memory stream holds, or undefined for any other stream. */
export function parseMemoryStreamId(streamId: string): { scope: MemoryScope; owner: string; namespace: string } | undefined {
  const parts = streamId.split(':');
  if (parts[0] !== 'memory') return undefined;
  if (parts[1] === 'tenant' && parts.length === 3) return { scope: 'tenant', owner: '', namespace: parts[2]! };
  if (parts[1] === 'user' && parts.length === 4) return { scope: 'user', owner: parts[2]!, namespace: parts[3]! };
  return undefined;
}
