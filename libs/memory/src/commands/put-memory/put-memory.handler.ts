import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type EventStore } from '#event-store';
import { PersonalDataVault } from '#keys';
import { assertMayUseScope } from '../../memory-access.js';
import { putMemoryDecider } from '../../memory.decider.js';
import { memoryStreamId, memorySubject } from '../../memory-stream.js';
import { recentMemoryRetention } from '../../retention/set-memory-retention.js';
import { PutMemoryCommand, type PutMemoryResult } from './put-memory.command.js';

@CommandHandler(PutMemoryCommand)
export class PutMemoryHandler implements ICommandHandler<PutMemoryCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalDataVault,
  ) {}

  async execute(command: PutMemoryCommand): Promise<PutMemoryResult> {
    const { metadata, scope, namespace, key, value } = command;
    assertMayUseScope(metadata, scope);
    const streamId = memoryStreamId(scope, metadata.userId, namespace);
    const sealed = await this.personalData.seal(metadata.tenantId, memorySubject(scope, metadata.userId), value, streamId);
    // The idempotency key promises the keyed digest, never a plain hash of the value: an unkeyed
    // hash of personal data would outlive its shredding.
    const renew = (await recentMemoryRetention(this.store, metadata.tenantId)) !== null;
    const { append } = await handleCommand(this.store, metadata, streamId, putMemoryDecider, { namespace, key, value, sealed, renew }, { scope, namespace, key, digest: sealed.digest });
    return { scope, namespace, key, changed: append !== undefined, streamVersion: append?.nextExpectedVersion ?? null };
  }
}
