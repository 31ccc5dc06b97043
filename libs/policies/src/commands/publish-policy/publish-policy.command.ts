import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import type { PolicyMode } from '../../policy.events.js';

export interface PolicyChangeResult {
  name: string;
  version: number;
  mode: PolicyMode;
  /** False when the policy already was exactly this: nothing was appended. */
  changed: boolean;
}

/** Name, text and mode as the caller gave them: the handler checks them (one typed error per edge). */
export class PublishPolicyCommand extends Command<PolicyChangeResult> {
  constructor(readonly metadata: CommandMetadata, readonly name: unknown, readonly text: unknown, readonly mode: unknown) {
    super();
  }
}
