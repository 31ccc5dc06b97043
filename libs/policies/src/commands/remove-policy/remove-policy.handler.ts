import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { removePolicyDecider } from '../../policy.decider.js';
import { parsePolicyName } from '../../policy-input.js';
import { POLICIES_STREAM } from '../../policy-stream.js';
import { RemovePolicyCommand, type RemovePolicyResult } from './remove-policy.command.js';

@CommandHandler(RemovePolicyCommand)
export class RemovePolicyHandler implements ICommandHandler<RemovePolicyCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ metadata, name }: RemovePolicyCommand): Promise<RemovePolicyResult> {
    const command = { name: parsePolicyName(name) };
    await handleCommand(this.store, metadata, POLICIES_STREAM, removePolicyDecider, command, command);
    return { name: command.name, removed: true };
  }
}
