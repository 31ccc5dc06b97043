import { createHash } from 'node:crypto';

/** Memory shared by the whole tenant, or private to the calling user. */
export type MemoryScope = 'user' | 'tenant';

const PLAIN_USER = /^[A-Za-z0-9._@+=-]{1,64}$/;

/**
 * The stream of one memory namespace. A user's private namespaces live in streams named after the
 * user; user ids that do not fit a stream id are hashed, so no id can collide with another's.
 */
export function memoryStreamId(scope: MemoryScope, userId: string, namespace: string): string {
  if (scope === 'tenant') return `memory:tenant:${namespace}`;
  const user = PLAIN_USER.test(userId) ? userId : `h-${createHash('sha256').update(userId).digest('hex').slice(0, 40)}`;
  return `memory:user:${user}:${namespace}`;
}
