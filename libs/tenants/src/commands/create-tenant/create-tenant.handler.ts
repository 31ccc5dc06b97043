import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, WrongExpectedVersionError, type EventStore } from '#event-store';
import { TenantExistsError } from '../../tenant.errors.js';
import { PLATFORM_TENANT, tenantStreamId } from '../../tenant.events.js';
import { CreateTenantCommand, type CreateTenantResult } from './create-tenant.command.js';
import { createTenantDecider } from './create-tenant.decide.js';

@CommandHandler(CreateTenantCommand)
export class CreateTenantHandler implements ICommandHandler<CreateTenantCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(command: CreateTenantCommand): Promise<CreateTenantResult> {
    const { tenantId, name } = command;
    try {
      // The registry is the platform's: whoever asks, it is written under the platform tenant.
      await handleCommand(this.store, { ...command.metadata, tenantId: PLATFORM_TENANT }, tenantStreamId(tenantId), createTenantDecider, command, { tenantId, name });
    } catch (error) {
      // Two creations racing: the loser sees the stream the winner wrote.
      if (error instanceof WrongExpectedVersionError) throw new TenantExistsError(tenantId);
      throw error;
    }
    return { id: tenantId, name };
  }
}
