import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';

export interface TenantStatusResult {
  id: string;
  status: 'active' | 'suspended';
}

export class SuspendTenantCommand extends Command<TenantStatusResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly tenantId: string,
    readonly reason: string,
  ) {
    super();
  }
}
