import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';

export interface CreateTenantResult {
  id: string;
  name: string;
}

export class CreateTenantCommand extends Command<CreateTenantResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly tenantId: string,
    readonly name: string,
  ) {
    super();
  }
}
