import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { APPROVER_GROUPS_STREAM } from '../../group-stream.js';
import { SetGroupCommand, type SetGroupResult } from './set-group.command.js';
import { parseSetGroup, setGroupDecider } from './set-group.decide.js';

@CommandHandler(SetGroupCommand)
export class SetGroupHandler implements ICommandHandler<SetGroupCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ metadata, group, members }: SetGroupCommand): Promise<SetGroupResult> {
    const command = parseSetGroup(group, members);
    const { append } = await handleCommand(this.store, metadata, APPROVER_GROUPS_STREAM, setGroupDecider, command, { group: command.group, members: command.members });
    return { ...command, changed: append !== undefined };
  }
}
