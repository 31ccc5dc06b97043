import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { setPolicyModeDecider } from '../../policy.decider.js';
import { parsePolicyMode, parsePolicyName } from '../../policy-input.js';
import { POLICIES_STREAM } from '../../policy-stream.js';
import type { PolicyChangeResult } from '../publish-policy/publish-policy.command.js';
import { SetPolicyModeCommand } from './set-policy-mode.command.js';

@CommandHandler(SetPolicyModeCommand)
export class SetPolicyModeHandler implements ICommandHandler<SetPolicyModeCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ metadata, ...input }: SetPolicyModeCommand): Promise<PolicyChangeResult> {
    const command = { name: parsePolicyName(input.name), mode: parsePolicyMode(input.mode) };
    const { append, state } = await handleCommand(this.store, metadata, POLICIES_STREAM, setPolicyModeDecider, command, command);
    const policy = state.policies.get(command.name)!;
    return { name: policy.name, version: policy.version, mode: policy.mode, changed: append !== undefined };
  }
}
