import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { retireSecretVersionDecider } from '../../connector.decider.js';
import { connectorStreamId } from '../../connector-stream.js';
import { RetireSecretVersionCommand } from './retire-secret-version.command.js';

@CommandHandler(RetireSecretVersionCommand)
export class RetireSecretVersionHandler implements ICommandHandler<RetireSecretVersionCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ metadata, name, version }: RetireSecretVersionCommand): Promise<{ retired: boolean }> {
    const { append } = await handleCommand(this.store, metadata, connectorStreamId(name), retireSecretVersionDecider, { name, version }, { name, version });
    return { retired: append !== undefined };
  }
}
