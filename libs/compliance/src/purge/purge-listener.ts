import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { delay, EVENT_STORE, followLog, type EventStore } from '#event-store';
import { PersonalDataVault } from '#keys';

/** Between two reads of the log: appends come by the hundred a second, purges seldom. */
const MIN_ROUND_MS = 250;

/**
 * Another process may purge (the CLI, another platform): this process then still holds the
 * destroyed keys unwrapped in its cache. It follows the log from now on and forgets a tenant's
 * keys when a PurgeCompleted of the tenant appears (the vault's cache also expires on its own),
 * within MIN_ROUND_MS of the append at most: it reads the log at most four times a second,
 * not once per append of every process (two queries each, in every process).
 */
@Injectable()
export class PurgeListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalDataVault,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    let position = await this.store.headPosition();
    this.running = followLog(this.store, this.abort.signal, 1000, async () => {
      for await (const batch of this.store.readAll({ after: position, sinceLastWake: true })) {
        for (const event of batch) if (event.type === 'PurgeCompleted') this.personalData.forget(event.tenantId);
        position = batch[batch.length - 1]!.globalPosition;
      }
      await delay(MIN_ROUND_MS, this.abort.signal);
    }).catch((error: unknown) => {
      process.stderr.write(`purge listener stopped: ${String(error)}\n`);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.abort.abort();
    await this.running;
  }
}
