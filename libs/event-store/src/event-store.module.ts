import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from './event-store.port.js';
import { EVENT_STORE_SETTINGS, openEventStore, type EventStoreSettings } from './open-event-store.js';
import { MeteredEventStore } from './metered-event-store.js';

@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Binds EVENT_STORE to the adapter the settings name; the settings come from configuration. */
  static forRootAsync(options: { inject: unknown[]; useFactory: (...args: never[]) => EventStoreSettings | Promise<EventStoreSettings> }): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      providers: [
        { provide: EVENT_STORE_SETTINGS, inject: options.inject as never[], useFactory: options.useFactory },
        // The platform's store is metered; other users of openEventStore (the CLI, tests) get it bare.
        { provide: EVENT_STORE, inject: [EVENT_STORE_SETTINGS], useFactory: async (settings: EventStoreSettings) => new MeteredEventStore(await openEventStore(settings)) },
      ],
      exports: [EVENT_STORE, EVENT_STORE_SETTINGS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
