import type { CommandMetadata } from '#core';
import type { EventStore } from '#event-store';
import { handleRegistryCommand } from '../registry-command.js';
import type { TenantStatusResult } from './suspend-tenant.command.js';
import { suspendTenantDecider, type SuspendTenant } from './suspend-tenant.decide.js';

/** Suspends a tenant; the REST API and the ops CLI both come here. */
export async function suspendTenant(store: EventStore, metadata: CommandMetadata, command: SuspendTenant): Promise<TenantStatusResult> {
  await handleRegistryCommand(store, metadata, suspendTenantDecider, command);
  return { id: command.tenantId, status: 'suspended' };
}
