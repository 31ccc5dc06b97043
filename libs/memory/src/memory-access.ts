import { ForbiddenError, type CommandMetadata } from '#core';
import type { MemoryScope } from './memory-stream.js';

/** Tenant-wide memory is shared by every user of the tenant: writing or reading it needs its own scope. */
export const TENANT_MEMORY_SCOPE = 'memory:tenant';

export function assertMayUseScope(metadata: CommandMetadata, scope: MemoryScope): void {
  if (scope === 'tenant' && !metadata.scopes.includes(TENANT_MEMORY_SCOPE)) {
    throw new ForbiddenError('auth.insufficient_scope', `tenant-wide memory needs the scope ${TENANT_MEMORY_SCOPE}`, { requiredScopes: [TENANT_MEMORY_SCOPE] });
  }
}
