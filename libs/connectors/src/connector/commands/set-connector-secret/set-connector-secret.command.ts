import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';

export interface SetConnectorSecretResult {
  name: string;
  secretVersion: number;
}

/** Sets a connector's secret, or rotates it: runs already going keep the version they started with. */
export class SetConnectorSecretCommand extends Command<SetConnectorSecretResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly name: string,
    readonly secret: string,
  ) {
    super();
  }
}
