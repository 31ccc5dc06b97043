import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { JsonObject } from '#core';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { parseConnectorConfig } from '../../../http/index.js';
import { registerConnectorDecider } from '../../connector.decider.js';
import { assertConnectorName, connectorStreamId } from '../../connector-stream.js';
import { RegisterConnectorCommand, type RegisterConnectorResult } from './register-connector.command.js';

@CommandHandler(RegisterConnectorCommand)
export class RegisterConnectorHandler implements ICommandHandler<RegisterConnectorCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(command: RegisterConnectorCommand): Promise<RegisterConnectorResult> {
    assertConnectorName(command.name);
    const config = parseConnectorConfig(command.config) as unknown as JsonObject;
    const { append } = await handleCommand(this.store, command.metadata, connectorStreamId(command.name), registerConnectorDecider, { name: command.name, description: command.description, config }, { name: command.name, description: command.description, config });
    return { name: command.name, created: append?.nextExpectedVersion === 1, changed: append !== undefined };
  }
}
