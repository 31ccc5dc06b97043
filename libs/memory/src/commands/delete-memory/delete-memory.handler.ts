import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { assertMayUseScope } from '../../memory-access.js';
import { deleteMemoryDecider } from '../../memory.decider.js';
import { memoryStreamId } from '../../memory-stream.js';
import { DeleteMemoryCommand, type DeleteMemoryResult } from './delete-memory.command.js';

@CommandHandler(DeleteMemoryCommand)
export class DeleteMemoryHandler implements ICommandHandler<DeleteMemoryCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(command: DeleteMemoryCommand): Promise<DeleteMemoryResult> {
    const { metadata, scope, namespace, key } = command;
    assertMayUseScope(metadata, scope);
    const streamId = memoryStreamId(scope, metadata.userId, namespace);
    const { append } = await handleCommand(this.store, metadata, streamId, deleteMemoryDecider, command, { scope, namespace, key });
    return { scope, namespace, key, streamVersion: append!.nextExpectedVersion };
  }
}
