import { Module, type DynamicModule } from '@nestjs/common';
import { RedriveDeadLettersHandler } from './dead-letters/commands/redrive-dead-letters/redrive-dead-letters.handler.js';
import { DeadLetters } from './dead-letters/dead-letters.js';
import { DeadLettersController } from './dead-letters/http/dead-letters.controller.js';
import { ListDeadLettersHandler } from './dead-letters/queries/list-dead-letters/list-dead-letters.handler.js';
import { InstancesController } from './instances/http/instances.controller.js';
import { InstanceRegistry } from './instances/instance-registry.js';
import { ListInstancesHandler } from './instances/queries/list-instances/list-instances.handler.js';
import { KafkaLagController } from './kafka/http/kafka-lag.controller.js';
import { OPERATIONS_KAFKA_SETTINGS, OperationsKafka, type OperationsKafkaSettings } from './kafka/operations-kafka.js';
import { KafkaLagHandler } from './kafka/queries/kafka-lag/kafka-lag.handler.js';
import { ProjectionsController } from './projections/http/projections.controller.js';
import { ListProjectionsHandler } from './projections/queries/list-projections/list-projections.handler.js';

/**
 * The operations page's admin REST, for platform administrators: views and their replays,
 * instances, dead letters and consumer lag. API processes only (workers have no REST);
 * `kafka`: the deployment's Kafka, or null without KAFKA_BROKERS.
 */
@Module({})
export class OperationsHttpModule {
  static forRoot(settings: { kafka: OperationsKafkaSettings | null }): DynamicModule {
    return {
      module: OperationsHttpModule,
      controllers: [ProjectionsController, InstancesController, DeadLettersController, KafkaLagController],
      providers: [
        { provide: OPERATIONS_KAFKA_SETTINGS, useValue: settings.kafka },
        OperationsKafka,
        DeadLetters,
        InstanceRegistry,
        ListProjectionsHandler,
        ListInstancesHandler,
        ListDeadLettersHandler,
        RedriveDeadLettersHandler,
        KafkaLagHandler,
      ],
    };
  }
}
