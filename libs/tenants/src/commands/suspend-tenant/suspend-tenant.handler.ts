import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { SuspendTenantCommand, type TenantStatusResult } from './suspend-tenant.command.js';
import { suspendTenant } from './suspend-tenant.js';

@CommandHandler(SuspendTenantCommand)
export class SuspendTenantHandler implements ICommandHandler<SuspendTenantCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ metadata, tenantId, reason }: SuspendTenantCommand): Promise<TenantStatusResult> {
    return suspendTenant(this.store, metadata, { tenantId, reason });
  }
}
