import { CommandBus } from '@nestjs/cqrs';
import { NotFoundError } from '#core';
import { UrlElicitationNeeded } from '#mcp';
import { invalidArguments, McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { DecideApprovalCommand, type DecideApprovalResult } from '../commands/decide-approval/decide-approval.command.js';
import { approvalNotPending, approvalToDecide } from '../commands/decide-approval/decide-approval.decide.js';
import { ApproverGroups } from '../../group/approver-groups.js';
import { RunReader } from '../run-reader.js';
import { APPROVALS_DECIDE_SCOPE } from '../run-scopes.js';
import { parseApprovalId } from '../run-stream.js';

const input = z.strictObject({
  approvalId: z.string().max(100),
  decision: z.enum(['approve', 'deny']).optional().describe('leave out to decide in the console instead: you are sent to the approval page, then call again to read the outcome'),
  reason: z.string().min(1).max(1000).optional().describe('required with a decision'),
});
const output = z.object({ approvalId: z.string(), runId: z.string(), decision: z.enum(['approve', 'deny']), decidedBy: z.string().optional() });
type Output = DecideApprovalResult & { decidedBy?: string };

@McpTool({
  name: 'approval_decide',
  title: 'Decide an approval',
  description: 'Approves or denies a run parked at an approval gate. The decision, you and your reason are recorded; you cannot decide approvals of runs you started, nor one offered to groups you are not in. Without a decision you are sent to the approval\'s page in the console (a URL for your client to open); call again afterwards to read what was decided.',
  scope: APPROVALS_DECIDE_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
})
export class ApprovalDecideTool implements McpToolHandler<z.infer<typeof input>, Output> {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly runs: RunReader,
    private readonly groups: ApproverGroups,
  ) {}

  async execute({ approvalId, decision, reason }: z.infer<typeof input>, { metadata }: ToolContext): Promise<Output> {
    if (decision !== undefined) {
      if (reason === undefined) throw invalidArguments([{ path: 'reason', message: 'required with a decision' }]);
      return this.commandBus.execute(new DecideApprovalCommand(metadata, approvalId, decision, reason));
    }
    // No decision: the person decides in the console; what was decided is read back on the next call.
    const { runId } = parseApprovalId(approvalId);
    const run = await this.runs.readable(metadata, runId).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new NotFoundError('approval.not_found', `no approval ${approvalId} in this tenant`, { approvalId }) : error;
    });
    const approval = approvalToDecide(approvalId, metadata.userId, await this.groups.of(metadata), run);
    if (approval.status === 'granted' || approval.status === 'denied') {
      return { approvalId, runId, decision: approval.status === 'granted' ? 'approve' : 'deny', ...(approval.decidedBy !== null && { decidedBy: approval.decidedBy }) };
    }
    if (approval.status !== 'pending' || run.status !== 'running') throw approvalNotPending(approvalId, approval, run.status);
    throw new UrlElicitationNeeded(`approval-${approvalId}`, `/console/approvals/${encodeURIComponent(approvalId)}`, `Decide approval ${approvalId} (${run.automation}, step ${approval.stepId}) in the console`);
  }
}
