import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';

export interface PublishAutomationResult {
  name: string;
  version: number;
  changed: boolean;
  tool: string;
  scope: string;
}

/** `definition` is unchecked input: the handler validates it before anything is decided. */
export class PublishAutomationCommand extends Command<PublishAutomationResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly definition: unknown,
  ) {
    super();
  }
}
