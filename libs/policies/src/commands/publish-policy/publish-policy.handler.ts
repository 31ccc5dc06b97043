import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { publishPolicyDecider } from '../../policy.decider.js';
import { parsePolicyMode, parsePolicyName, parsePolicyText } from '../../policy-input.js';
import { POLICIES_STREAM } from '../../policy-stream.js';
import { PublishPolicyCommand, type PolicyChangeResult } from './publish-policy.command.js';

@CommandHandler(PublishPolicyCommand)
export class PublishPolicyHandler implements ICommandHandler<PublishPolicyCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ metadata, ...input }: PublishPolicyCommand): Promise<PolicyChangeResult> {
    const command = { name: parsePolicyName(input.name), mode: parsePolicyMode(input.mode), text: parsePolicyText(input.text) };
    const { append, state } = await handleCommand(this.store, metadata, POLICIES_STREAM, publishPolicyDecider, command, command);
    const policy = state.policies.get(command.name)!;
    return { name: policy.name, version: policy.version, mode: policy.mode, changed: append !== undefined };
  }
}
