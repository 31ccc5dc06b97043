import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import { EVENT_STORE, type EventStore } from '#event-store';
import { handleRegistryCommand } from '../registry-command.js';
import type { TenantStatusResult } from '../suspend-tenant/suspend-tenant.command.js';
import { ResumeTenantCommand } from './resume-tenant.command.js';
import { resumeTenantDecider, type ResumeTenant } from './resume-tenant.decide.js';

/** Resumes a suspended tenant; the REST API and the ops CLI both come here. */
export async function resumeTenant(store: EventStore, metadata: CommandMetadata, command: ResumeTenant): Promise<TenantStatusResult> {
  await handleRegistryCommand(store, metadata, resumeTenantDecider, command);
  return { id: command.tenantId, status: 'active' };
}

@CommandHandler(ResumeTenantCommand)
export class ResumeTenantHandler implements ICommandHandler<ResumeTenantCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ metadata, tenantId }: ResumeTenantCommand): Promise<TenantStatusResult> {
    return resumeTenant(this.store, metadata, { tenantId });
  }
}
