import { CommandBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp';
import { z } from 'zod';
import { DecideApprovalCommand, type DecideApprovalResult } from '../commands/decide-approval/decide-approval.command.js';
import { APPROVALS_DECIDE_SCOPE } from '../run-scopes.js';

const input = z.strictObject({ approvalId: z.string().max(100), decision: z.enum(['approve', 'deny']), reason: z.string().min(1).max(1000) });
const output = z.object({ approvalId: z.string(), runId: z.string(), decision: z.enum(['approve', 'deny']) });

@McpTool({
  name: 'approval_decide',
  title: 'Decide an approval',
  description: 'Approves or denies a run parked at an approval gate. The decision, you and your reason are recorded; you cannot decide approvals of runs you started.',
  scope: APPROVALS_DECIDE_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
})
export class ApprovalDecideTool implements McpToolHandler<z.infer<typeof input>, DecideApprovalResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ approvalId, decision, reason }: z.infer<typeof input>, { metadata }: ToolContext): Promise<DecideApprovalResult> {
    return this.commandBus.execute(new DecideApprovalCommand(metadata, approvalId, decision, reason));
  }
}
