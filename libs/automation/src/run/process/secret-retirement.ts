import { Injectable, Logger } from '@nestjs/common';
import { CommandBus, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { ConnectorSecretRotatedNotice } from '#connectors';
import { ConnectorGateway, RetireSecretVersionCommand } from '#connectors/nest';
import { RunViews } from '../projections/run-views.js';
import { SAGA_CLIENT } from './saga-client.js';

/**
 * Rotation keeps an old secret version while an unfinished run holds it; this retires it once
 * none does: when such a run ends, and right after a rotation (nothing may hold it at all).
 */
@Injectable()
export class SecretRetirement {
  constructor(
    private readonly gateway: ConnectorGateway,
    private readonly views: RunViews,
    private readonly commandBus: CommandBus,
  ) {}

  async retireIfUnused(tenantId: string, connector: string, version: number, correlationId: string): Promise<void> {
    if (version === 0) return;
    const current = await this.gateway.currentSecretVersion(tenantId, connector).catch(() => version);
    if (current === version || (await this.views.secretVersionInUse(tenantId, connector, version))) return;
    const metadata = { tenantId, userId: SAGA_CLIENT, clientId: SAGA_CLIENT, scopes: [], correlationId };
    await this.commandBus.execute(new RetireSecretVersionCommand(metadata, connector, version));
  }
}

@EventsHandler(ConnectorSecretRotatedNotice)
export class RetireAfterRotation implements IEventHandler<ConnectorSecretRotatedNotice> {
  constructor(private readonly retirement: SecretRetirement) {}

  private readonly logger = new Logger(RetireAfterRotation.name);

  async handle({ tenantId, connector, previousVersion, correlationId }: ConnectorSecretRotatedNotice): Promise<void> {
    // Best effort: a version not retired now is retired when the last run holding it ends.
    await this.retirement.retireIfUnused(tenantId, connector, previousVersion, correlationId).catch((error: unknown) => {
      this.logger.warn(`could not retire secret version ${previousVersion} of ${connector}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}
