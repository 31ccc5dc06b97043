import { CommandBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { RegisterConnectorCommand, type RegisterConnectorResult } from '../commands/register-connector/register-connector.command.js';
import { CONNECTORS_ADMIN_SCOPE } from '../connector-scopes.js';

const input = z.strictObject({
  name: z.string().describe('1-63 characters of a-z, 0-9, _ and -, starting with a letter'),
  description: z.string().max(500).default(''),
  config: z.record(z.string(), z.unknown()).describe('baseUrl, allowedHosts, auth {placement, name, template with {{secret}}}, timeoutMs, rateLimit {perSecond, burst}, headers, onBehalfOf {header, audience?}: each call carries a short-lived platform-signed JWT naming the user the run acts for, in that header'),
});
const output = z.object({ name: z.string(), created: z.boolean(), changed: z.boolean() });

@McpTool({
  name: 'connector_register',
  title: 'Register a connector',
  description: "Registers or updates one of this tenant's HTTP connectors: its base URL, the hosts it may reach, where its secret goes and its limits. Set the secret with connector_secret_set.",
  scope: CONNECTORS_ADMIN_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class ConnectorRegisterTool implements McpToolHandler<z.infer<typeof input>, RegisterConnectorResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ name, description, config }: z.infer<typeof input>, { metadata }: ToolContext): Promise<RegisterConnectorResult> {
    return this.commandBus.execute(new RegisterConnectorCommand(metadata, name, description, config));
  }
}
