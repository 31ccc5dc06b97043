import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import type { PolicyChangeResult } from '../publish-policy/publish-policy.command.js';

export class SetPolicyModeCommand extends Command<PolicyChangeResult> {
  constructor(readonly metadata: CommandMetadata, readonly name: unknown, readonly mode: unknown) {
    super();
  }
}
