import type { CommandMetadata } from '#core';
import type { EventStore } from '#event-store';
import { handleRegistryCommand } from '../registry-command.js';
import type { TenantStatusResult } from '../suspend-tenant/suspend-tenant.command.js';
import { resumeTenantDecider, type ResumeTenant } from './resume-tenant.decide.js';

/** Resumes a suspended tenant; the REST API and the ops CLI both come here. */
export async function resumeTenant(store: EventStore, metadata: CommandMetadata, command: ResumeTenant): Promise<TenantStatusResult> {
  await handleRegistryCommand(store, metadata, resumeTenantDecider, command);
  return { id: command.tenantId, status: 'active' };
}
