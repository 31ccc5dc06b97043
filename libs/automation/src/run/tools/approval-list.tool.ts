import { McpTool, type McpToolHandler, type ToolContext } from '#mcp';
import { z } from 'zod';
import { RunViews, type ApprovalSummary } from '../projections/run-views.js';
import { APPROVALS_DECIDE_SCOPE } from '../run-scopes.js';

const input = z.strictObject({});
const approval = z.object({
  approvalId: z.string(), runId: z.string(), stepId: z.string(), automation: z.string(), requestedBy: z.string(), prompt: z.string(), requestedAt: z.string(),
  deadlineAt: z.string().nullable(), status: z.string(), decidedBy: z.string().nullable(), reason: z.string().nullable(),
});
const output = z.object({ approvals: z.array(approval) });

@McpTool({
  name: 'approval_list',
  title: 'Approvals waiting for me',
  description: "Runs of this tenant parked at an approval gate that you may decide (never your own runs' approvals), oldest first.",
  scope: APPROVALS_DECIDE_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class ApprovalListTool implements McpToolHandler<z.infer<typeof input>, { approvals: ApprovalSummary[] }> {
  constructor(private readonly views: RunViews) {}

  async execute(_input: z.infer<typeof input>, { metadata }: ToolContext): Promise<{ approvals: ApprovalSummary[] }> {
    return { approvals: await this.views.approvalsFor(metadata) };
  }
}
