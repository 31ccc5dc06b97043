import type { DomainEvent } from '#core';

export type TenantCreated = DomainEvent<'TenantCreated', { tenantId: string; name: string }>;
export type TenantEvent = TenantCreated;

export { PLATFORM_TENANT } from '#core';
/** The registry's streams, under PLATFORM_TENANT. */
export const tenantStreamId = (tenantId: string): string => `tenant-${tenantId}`;
export const PLATFORM_ADMIN_SCOPE = 'platform:admin';
