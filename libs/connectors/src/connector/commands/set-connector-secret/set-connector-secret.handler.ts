import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { ValidationError } from '#core';
import { EVENT_STORE, handleCommand, loadStream, type EventStore } from '#event-store';
import { SecretVault } from '#keys';
import type { SealedSecretData } from '../../connector.events.js';
import { ConnectorNotFoundError } from '../../connector.errors.js';
import { ConnectorSecretRotatedNotice } from '../../connector-secret-rotated.notice.js';
import { connectorFold, setConnectorSecretDecider } from '../../connector.decider.js';
import { assertConnectorName, connectorStreamId, secretContext } from '../../connector-stream.js';
import { SetConnectorSecretCommand, type SetConnectorSecretResult } from './set-connector-secret.command.js';

const MAX_SECRET_BYTES = 8192;

@CommandHandler(SetConnectorSecretCommand)
export class SetConnectorSecretHandler implements ICommandHandler<SetConnectorSecretCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: SecretVault,
    private readonly eventBus: EventBus,
  ) {}

  async execute({ metadata, name, secret }: SetConnectorSecretCommand): Promise<SetConnectorSecretResult> {
    assertConnectorName(name);
    if (secret.length === 0 || Buffer.byteLength(secret) > MAX_SECRET_BYTES || /[\r\n]/.test(secret)) {
      throw new ValidationError('connector.invalid_secret', `a secret is 1-${MAX_SECRET_BYTES} bytes without line breaks`, { connector: name });
    }
    // The version is sealed into the ciphertext's context; a concurrent rotation makes decide refuse, never reuse a version.
    const version = await this.nextVersion(metadata.tenantId, name);
    const sealed = (await this.vault.seal(metadata.tenantId, secret, secretContext(name, version))) as SealedSecretData;
    // The idempotency fingerprint covers the name only: even a hash of a secret must not be stored.
    await handleCommand(this.store, metadata, connectorStreamId(name), setConnectorSecretDecider, { name, version, sealed }, { name });
    if (version > 1) this.eventBus.publish(new ConnectorSecretRotatedNotice(metadata.tenantId, name, version - 1, metadata.correlationId));
    return { name, secretVersion: version };
  }

  private async nextVersion(tenantId: string, name: string): Promise<number> {
    const { state } = await loadStream(this.store, tenantId, connectorStreamId(name), connectorFold);
    if (state.status !== 'registered') throw new ConnectorNotFoundError(name);
    return state.currentSecretVersion + 1;
  }
}
