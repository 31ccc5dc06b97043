import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { ApproverGroups } from '../approver-groups.js';
import { GROUPS_READ_SCOPE } from '../group-stream.js';

const input = z.strictObject({});
const output = z.object({ groups: z.array(z.object({ group: z.string(), members: z.array(z.string()) })) });
type Output = z.infer<typeof output>;

@McpTool({
  name: 'group_list',
  title: 'Approver groups',
  description: "Your organisation's approver groups and their members (user ids), by name. Groups that reach the platform only through tokens' groups claim are not listed.",
  scope: GROUPS_READ_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
})
export class GroupListTool implements McpToolHandler<z.infer<typeof input>, Output> {
  constructor(private readonly groups: ApproverGroups) {}

  async execute(_input: z.infer<typeof input>, { metadata }: ToolContext): Promise<Output> {
    return { groups: await this.groups.list(metadata.tenantId) };
  }
}
