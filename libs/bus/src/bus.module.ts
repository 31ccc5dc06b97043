import { Module, type DynamicModule } from '@nestjs/common';
import type { KafkaSettings } from './kafka/kafka-settings.js';
import { KAFKA_SETTINGS, ScaleOutBus } from './scale-out-bus.js';

/** Kafka between the log and the workers: imported by workers when KAFKA_BROKERS is set. */
@Module({})
export class BusModule {
  static forRoot(settings: KafkaSettings): DynamicModule {
    return { module: BusModule, providers: [{ provide: KAFKA_SETTINGS, useValue: settings }, ScaleOutBus] };
  }
}
