import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ValidationError, type JsonObject, type JsonValue } from '#core';
import { ConnectorViews } from '#connectors/nest';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { parseAutomationDefinition } from '../../../definition/index.js';
import { parseSuccessCriteria, type SuccessCriteria } from '../../../shadow/success-criteria.js';
import { automationScope, automationStreamId } from '../../automation-stream.js';
import { PublishAutomationCommand, type PublishAutomationResult } from './publish-automation.command.js';
import { publishAutomationDecider } from './publish-automation.decide.js';

@CommandHandler(PublishAutomationCommand)
export class PublishAutomationHandler implements ICommandHandler<PublishAutomationCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly connectors: ConnectorViews,
  ) {}

  async execute({ metadata, definition, shadow }: PublishAutomationCommand): Promise<PublishAutomationResult> {
    const criteria = shadowCriteria(shadow);
    const parsed = parseAutomationDefinition(definition, { knownConnectors: await this.connectors.names(metadata.tenantId) });
    const stored = parsed as unknown as JsonObject;
    // What the idempotency key promises: the definition, and the shadow criteria when in shadow.
    const args: JsonValue = criteria ? { definition: stored, inShadow: true, successCriteria: criteria } : { definition: stored };
    const command = { name: parsed.name, definition: stored, ...(criteria && { shadow: criteria }) };
    const { append, state } = await handleCommand(this.store, metadata, automationStreamId(parsed.name), publishAutomationDecider, command, args);
    const inShadow = criteria !== undefined;
    return {
      name: parsed.name, version: inShadow ? state.shadow!.version : state.liveVersion, changed: append !== undefined, tool: parsed.name, scope: automationScope(parsed.name),
      liveVersion: state.liveVersion, inShadow, successCriteria: inShadow ? state.shadow!.criteria : null,
    };
  }
}

/** The criteria of a shadow publish (the defaults filled in), or undefined for a live one; criteria without inShadow are refused. */
function shadowCriteria(shadow: PublishAutomationCommand['shadow']): SuccessCriteria | undefined {
  if (shadow.inShadow === true) return parseSuccessCriteria(shadow.successCriteria);
  if (shadow.successCriteria !== undefined) {
    throw new ValidationError('automation.invalid_criteria', 'successCriteria are for a version published inShadow: true', { issues: [{ path: 'successCriteria', message: 'only with inShadow: true' }] });
  }
  return undefined;
}
