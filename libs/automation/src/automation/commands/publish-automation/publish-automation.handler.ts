import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { JsonObject } from '#core';
import { ConnectorViews } from '#connectors/nest';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { parseAutomationDefinition } from '../../../definition/index.js';
import { automationScope, automationStreamId } from '../../automation-stream.js';
import { PublishAutomationCommand, type PublishAutomationResult } from './publish-automation.command.js';
import { publishAutomationDecider } from './publish-automation.decide.js';

@CommandHandler(PublishAutomationCommand)
export class PublishAutomationHandler implements ICommandHandler<PublishAutomationCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly connectors: ConnectorViews,
  ) {}

  async execute({ metadata, definition }: PublishAutomationCommand): Promise<PublishAutomationResult> {
    const parsed = parseAutomationDefinition(definition, { knownConnectors: await this.connectors.names(metadata.tenantId) });
    const stored = parsed as unknown as JsonObject;
    const { append, state } = await handleCommand(this.store, metadata, automationStreamId(parsed.name), publishAutomationDecider, { name: parsed.name, definition: stored }, { definition: stored });
    return { name: parsed.name, version: state.latestVersion, changed: append !== undefined, tool: parsed.name, scope: automationScope(parsed.name) };
  }
}
