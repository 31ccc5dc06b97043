import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { assertMayUseScope } from '../../memory-access.js';
import { putMemoryDecider } from '../../memory.decider.js';
import { memoryStreamId } from '../../memory-stream.js';
import { PutMemoryCommand, type PutMemoryResult } from './put-memory.command.js';

@CommandHandler(PutMemoryCommand)
export class PutMemoryHandler implements ICommandHandler<PutMemoryCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(command: PutMemoryCommand): Promise<PutMemoryResult> {
    const { metadata, scope, namespace, key, value } = command;
    assertMayUseScope(metadata, scope);
    const streamId = memoryStreamId(scope, metadata.userId, namespace);
    const { append } = await handleCommand(this.store, metadata, streamId, putMemoryDecider, command, { scope, namespace, key, value });
    return { scope, namespace, key, changed: append !== undefined, streamVersion: append?.nextExpectedVersion ?? null };
  }
}
