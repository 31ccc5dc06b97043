import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';

/** Issued by the platform when no unfinished run uses an old secret version any more. */
export class RetireSecretVersionCommand extends Command<{ retired: boolean }> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly name: string,
    readonly version: number,
  ) {
    super();
  }
}
