import { CommandBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { SetConnectorSecretCommand, type SetConnectorSecretResult } from '../commands/set-connector-secret/set-connector-secret.command.js';
import { CONNECTORS_ADMIN_SCOPE } from '../connector-scopes.js';

const input = z.strictObject({ name: z.string(), secret: z.string().describe('stored encrypted; never shown again') });
const output = z.object({ name: z.string(), secretVersion: z.number().int() });

@McpTool({
  name: 'connector_secret_set',
  title: "Set a connector's secret",
  description: 'Sets or rotates the secret a connector injects into its calls. Runs already started keep the version they started with; new runs use this one.',
  scope: CONNECTORS_ADMIN_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
})
export class ConnectorSecretSetTool implements McpToolHandler<z.infer<typeof input>, SetConnectorSecretResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ name, secret }: z.infer<typeof input>, { metadata }: ToolContext): Promise<SetConnectorSecretResult> {
    return this.commandBus.execute(new SetConnectorSecretCommand(metadata, name, secret));
  }
}
