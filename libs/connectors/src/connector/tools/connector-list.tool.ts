import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { CONNECTORS_READ_SCOPE } from '../connector-scopes.js';
import { ConnectorViews, type ConnectorSummary } from '../projections/connector-views.js';

const input = z.strictObject({});
const health = z.object({
  status: z.enum(['unknown', 'healthy', 'failing']),
  callsOk: z.number(),
  callsFailed: z.number(),
  consecutiveFailures: z.number(),
  lastCallAt: z.string().nullable(),
  lastStatus: z.number().nullable(),
  lastErrorClass: z.string().nullable(),
});
const output = z.object({ connectors: z.array(z.object({ name: z.string(), description: z.string(), hasSecret: z.boolean(), health })) });

@McpTool({
  name: 'connector_list',
  title: 'List connectors',
  description: "This tenant's connectors by name, with their health (recent call outcomes). Configuration and secrets are never shown.",
  scope: CONNECTORS_READ_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class ConnectorListTool implements McpToolHandler<z.infer<typeof input>, { connectors: ConnectorSummary[] }> {
  constructor(private readonly views: ConnectorViews) {}

  async execute(_input: z.infer<typeof input>, { metadata }: ToolContext): Promise<{ connectors: ConnectorSummary[] }> {
    return { connectors: await this.views.list(metadata.tenantId) };
  }
}
