// The event store's Nest module (the platform's store, metered and traced); everything else is in '#event-store'.
export { EventStoreModule } from './event-store.module.js';
