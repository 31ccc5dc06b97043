import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '#core';

export interface DecideApprovalResult {
  approvalId: string;
  runId: string;
  decision: 'approve' | 'deny';
}

export class DecideApprovalCommand extends Command<DecideApprovalResult> {
  constructor(
    readonly metadata: CommandMetadata,
    readonly approvalId: string,
    readonly decision: 'approve' | 'deny',
    readonly reason: string,
  ) {
    super();
  }
}
