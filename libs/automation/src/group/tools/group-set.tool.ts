import { CommandBus } from '@nestjs/cqrs';
import { McpTool, type McpToolHandler, type ToolContext } from '#mcp/nest';
import { z } from 'zod';
import { SetGroupCommand, type SetGroupResult } from '../commands/set-group/set-group.command.js';
import { GROUPS_ADMIN_SCOPE, MAX_GROUP_MEMBERS } from '../group-stream.js';

// Shapes only: the command checks names and members, so the tool and REST refuse alike (group.invalid_*).
const input = z.strictObject({
  group: z.string().max(200).describe('the group an approval step names in approvers.group or escalation.group'),
  members: z.array(z.string().max(200)).max(MAX_GROUP_MEMBERS).describe('user ids (the sub of their tokens); replaces the list; [] removes the group'),
});
const output = z.object({ group: z.string(), members: z.array(z.string()), changed: z.boolean() });

@McpTool({
  name: 'group_set',
  title: 'Set an approver group',
  description: "Replaces the members of one of your organisation's approver groups (user ids). Approval steps that name the group may be decided by its members, besides those whose token carries it in its groups claim; never by the run's starter.",
  scope: GROUPS_ADMIN_SCOPE,
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
})
export class GroupSetTool implements McpToolHandler<z.infer<typeof input>, SetGroupResult> {
  constructor(private readonly commandBus: CommandBus) {}

  execute({ group, members }: z.infer<typeof input>, { metadata }: ToolContext): Promise<SetGroupResult> {
    return this.commandBus.execute(new SetGroupCommand(metadata, group, members));
  }
}
