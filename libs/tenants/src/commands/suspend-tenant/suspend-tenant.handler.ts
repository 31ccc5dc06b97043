import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import { EVENT_STORE, type EventStore } from '#event-store';
import { handleRegistryCommand } from '../registry-command.js';
import { SuspendTenantCommand, type TenantStatusResult } from './suspend-tenant.command.js';
import { suspendTenantDecider, type SuspendTenant } from './suspend-tenant.decide.js';

/** Suspends a tenant; the REST API and the ops CLI both come here. */
export async function suspendTenant(store: EventStore, metadata: CommandMetadata, command: SuspendTenant): Promise<TenantStatusResult> {
  await handleRegistryCommand(store, metadata, suspendTenantDecider, command);
  return { id: command.tenantId, status: 'suspended' };
}

@CommandHandler(SuspendTenantCommand)
export class SuspendTenantHandler implements ICommandHandler<SuspendTenantCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ metadata, tenantId, reason }: SuspendTenantCommand): Promise<TenantStatusResult> {
    return suspendTenant(this.store, metadata, { tenantId, reason });
  }
}
