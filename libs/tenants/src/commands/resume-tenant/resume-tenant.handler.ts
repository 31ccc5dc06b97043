import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import type { TenantStatusResult } from '../suspend-tenant/suspend-tenant.command.js';
import { ResumeTenantCommand } from './resume-tenant.command.js';
import { resumeTenant } from './resume-tenant.js';

@CommandHandler(ResumeTenantCommand)
export class ResumeTenantHandler implements ICommandHandler<ResumeTenantCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ metadata, tenantId }: ResumeTenantCommand): Promise<TenantStatusResult> {
    return resumeTenant(this.store, metadata, { tenantId });
  }
}
