import { QueryBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import type { PolicyReport } from '../queries/report-policies/policy-report.js';
import { ReportPoliciesQuery } from '../queries/report-policies/report-policies.query.js';
import { POLICIES_READ_SCOPE } from '../policy-stream.js';
import { policyNameArg, reportLimitArg } from './policy-args.js';

const input = z.strictObject({
  since: z.string().max(64).optional().describe('only evaluations at or after this ISO-8601 instant'),
  policy: policyNameArg.optional().describe('only this policy'),
  limit: reportLimitArg.optional().describe('latest examples per policy and mode (default 5)'),
});
const decision = z.enum(['allow', 'deny', 'approval_required', 'error']);
const mode = z.enum(['log-only', 'enforce']);
const output = z.object({
  since: z.string().nullable(),
  evaluations: z.array(z.object({ mode, total: z.number().int(), allow: z.number().int(), deny: z.number().int(), approvalRequired: z.number().int(), error: z.number().int() })),
  policies: z.array(z.object({
    policy: z.string(), mode, deny: z.number().int(), approvalRequired: z.number().int(), error: z.number().int(),
    latest: z.array(z.object({ tool: z.string(), userId: z.string(), decision, at: z.string() })),
  })),
});

@McpTool({
  name: 'policy_report',
  title: 'Report what policies decided',
  description: 'Counts this tenant\'s policy evaluations by mode and decision, and per policy the calls it denied, sent for approval or failed on, with the latest examples: for a log-only policy, what enforcing it would have refused.',
  scope: POLICIES_READ_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class PolicyReportTool implements McpToolHandler<z.infer<typeof input>, PolicyReport> {
  constructor(private readonly queryBus: QueryBus) {}

  execute(filter: z.infer<typeof input>, { metadata }: ToolContext): Promise<PolicyReport> {
    return this.queryBus.execute(new ReportPoliciesQuery(metadata, filter));
  }
}
