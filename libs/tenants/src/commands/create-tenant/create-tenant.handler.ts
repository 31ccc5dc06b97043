import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import { CreateTenantCommand, type CreateTenantResult } from './create-tenant.command.js';
import { createTenant } from './create-tenant.js';

@CommandHandler(CreateTenantCommand)
export class CreateTenantHandler implements ICommandHandler<CreateTenantCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ metadata, tenantId, name }: CreateTenantCommand): Promise<CreateTenantResult> {
    return createTenant(this.store, metadata, { tenantId, name });
  }
}
