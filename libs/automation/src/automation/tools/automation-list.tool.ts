import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { AutomationCatalog, automationSummary } from '../automation-catalog.js';
import { AUTOMATIONS_ADMIN_SCOPE } from '../automation-stream.js';

const input = z.strictObject({});
const shadow = z.object({
  version: z.number(), publishedAt: z.string(),
  successCriteria: z.object({ minRuns: z.number(), minIdenticalRequestRate: z.number(), allowNewFailureClasses: z.boolean() }),
});
const item = z.object({
  name: z.string(), version: z.number(), title: z.string(), scope: z.string(), publishedAt: z.string(), steps: z.array(z.object({ id: z.string(), type: z.string() })),
  shadow: shadow.nullable(),
});
const output = z.object({ automations: z.array(item) });
type Output = z.infer<typeof output>;

@McpTool({
  name: 'automation_list',
  title: 'List automations',
  description: "This tenant's published automations at their live version (the one a start uses), with the scope each one's tool needs, and the shadow version running beside it with its success criteria, if any.",
  scope: AUTOMATIONS_ADMIN_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class AutomationListTool implements McpToolHandler<z.infer<typeof input>, Output> {
  constructor(private readonly catalog: AutomationCatalog) {}

  async execute(_input: z.infer<typeof input>, { metadata }: ToolContext): Promise<Output> {
    const automations = await this.catalog.live(metadata.tenantId);
    return {
      automations: automations.map((automation) => ({
        ...automationSummary(automation), steps: automation.definition.steps.map((step) => ({ id: step.id, type: step.type })),
      })),
    };
  }
}
