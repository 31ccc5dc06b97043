import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { AutomationCatalog } from '../automation-catalog.js';
import { AUTOMATIONS_ADMIN_SCOPE, automationScope } from '../automation-stream.js';

const input = z.strictObject({});
const item = z.object({ name: z.string(), version: z.number(), title: z.string(), scope: z.string(), publishedAt: z.string(), steps: z.array(z.object({ id: z.string(), type: z.string() })) });
const output = z.object({ automations: z.array(item) });
type Output = z.infer<typeof output>;

@McpTool({
  name: 'automation_list',
  title: 'List automations',
  description: "This tenant's published automations at their latest version, with the scope each one's tool needs.",
  scope: AUTOMATIONS_ADMIN_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class AutomationListTool implements McpToolHandler<z.infer<typeof input>, Output> {
  constructor(private readonly catalog: AutomationCatalog) {}

  async execute(_input: z.infer<typeof input>, { metadata }: ToolContext): Promise<Output> {
    const automations = await this.catalog.latest(metadata.tenantId);
    return {
      automations: automations.map(({ name, version, definition, publishedAt }) => ({
        name, version, title: definition.title, scope: automationScope(name), publishedAt, steps: definition.steps.map((step) => ({ id: step.id, type: step.type })),
      })),
    };
  }
}
