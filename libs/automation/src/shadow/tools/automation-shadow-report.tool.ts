import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { AUTOMATIONS_ADMIN_SCOPE } from '../../automation/automation-stream.js';
import { ShadowReports, type ShadowReport } from '../queries/shadow-report.js';
import { shadowReportOutput } from './shadow-report.schema.js';

const input = z.strictObject({ name: z.string().describe('the automation') });

@McpTool({
  name: 'automation_shadow_report',
  title: 'Shadow version report',
  description: "How an automation's shadow version compares with the live one over the live runs started since it was published: runs compared, identical requests (rate), same step sequence, same outcome, failure classes of each side and the new ones, the request fields that differed most often (paths, never values), mean durations, and whether its success criteria hold, with each unmet one.",
  scope: AUTOMATIONS_ADMIN_SCOPE,
  input,
  output: shadowReportOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class AutomationShadowReportTool implements McpToolHandler<z.infer<typeof input>, ShadowReport> {
  constructor(private readonly reports: ShadowReports) {}

  execute({ name }: z.infer<typeof input>, { metadata }: ToolContext): Promise<ShadowReport> {
    return this.reports.current(metadata.tenantId, name);
  }
}
