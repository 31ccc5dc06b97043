import { QueryBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { ListPoliciesQuery, type PolicySummary } from '../queries/list-policies/list-policies.query.js';
import { POLICIES_READ_SCOPE } from '../policy-stream.js';

const input = z.strictObject({});
const output = z.object({ policies: z.array(z.object({ name: z.string(), version: z.number().int(), mode: z.enum(['log-only', 'enforce']), text: z.string() })) });

@McpTool({
  name: 'policy_list',
  title: 'List policies',
  description: 'Lists this tenant\'s policies: name, version, mode and Cedar text.',
  scope: POLICIES_READ_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class PolicyListTool implements McpToolHandler<z.infer<typeof input>, { policies: PolicySummary[] }> {
  constructor(private readonly queryBus: QueryBus) {}

  execute(_input: z.infer<typeof input>, { metadata }: ToolContext): Promise<{ policies: PolicySummary[] }> {
    return this.queryBus.execute(new ListPoliciesQuery(metadata));
  }
}
