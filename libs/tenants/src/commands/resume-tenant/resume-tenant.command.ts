import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';
import type { TenantStatusResult } from '../suspend-tenant/suspend-tenant.command.js';

export class ResumeTenantCommand extends Command<TenantStatusResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly tenantId: string,
  ) {
    super();
  }
}
