import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';

export interface RegisterConnectorResult {
  name: string;
  created: boolean;
  changed: boolean;
}

/** `config` is unchecked input: the handler parses it before anything is decided. */
export class RegisterConnectorCommand extends Command<RegisterConnectorResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly name: string,
    readonly description: string,
    readonly config: unknown,
  ) {
    super();
  }
}
