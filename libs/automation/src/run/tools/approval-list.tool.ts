import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { RunViews, type ApprovalSummary } from '../projections/run-views.js';
import { approvalListInput, approvalPageOf } from '../queries/list-approvals/approval-list-page.js';
import { APPROVALS_DECIDE_SCOPE } from '../run-scopes.js';

const approval = z.object({
  approvalId: z.string(), runId: z.string(), stepId: z.string(), automation: z.string(), requestedBy: z.string(), prompt: z.string(), requestedAt: z.string(),
  deadlineAt: z.string().nullable(), status: z.string(), decidedBy: z.string().nullable(), reason: z.string().nullable(),
  offeredBy: z.string().nullable().describe('the group of yours it is offered to you through; null: offered to anyone who may decide approvals'),
});
const output = z.object({ approvals: z.array(approval), nextCursor: z.string().nullable() });
type Output = z.infer<typeof output>;

@McpTool({
  name: 'approval_list',
  title: 'Approvals waiting for me',
  description: "Runs of this tenant parked at an approval gate that you may decide (never your own runs' approvals; one offered to a group only when you are in it, named in offeredBy), oldest first; pass nextCursor back as cursor for the next page.",
  scope: APPROVALS_DECIDE_SCOPE,
  input: approvalListInput,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class ApprovalListTool implements McpToolHandler<z.infer<typeof approvalListInput>, Output> {
  constructor(private readonly views: RunViews) {}

  execute(input: z.infer<typeof approvalListInput>, { metadata }: ToolContext): Promise<{ approvals: ApprovalSummary[]; nextCursor: string | null }> {
    return this.views.approvalsFor(metadata, approvalPageOf(input));
  }
}
