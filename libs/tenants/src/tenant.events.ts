import type { DomainEvent } from '#core';

export type TenantCreated = DomainEvent<'TenantCreated', { tenantId: string; name: string }>;
/** The tenant's tokens are refused from now on (their events stay); `reason` is an operator's note. */
export type TenantSuspended = DomainEvent<'TenantSuspended', { tenantId: string; reason: string }>;
export type TenantResumed = DomainEvent<'TenantResumed', { tenantId: string }>;
export type TenantEvent = TenantCreated | TenantSuspended | TenantResumed;

export { PLATFORM_TENANT } from '#core';
/** The registry's streams, under PLATFORM_TENANT. */
export const tenantStreamId = (tenantId: string): string => `tenant-${tenantId}`;
export const PLATFORM_ADMIN_SCOPE = 'platform:admin';
