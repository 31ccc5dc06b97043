export { READINESS_PROBE, type Readiness, type ReadinessProbe } from './instances/readiness.port.js';
export type { InstanceRole, ReadinessChecks } from './instances/instance.js';
export type { OperationsKafkaSettings } from './kafka/operations-kafka.js';
/** What the operations endpoints answer, for clients in this codebase (the console). */
export type { RunRef } from './operations.errors.js';
export type { DeadLettersView, DeadLetterView } from './dead-letters/queries/list-dead-letters/list-dead-letters.query.js';
export type { InstanceView } from './instances/queries/list-instances/list-instances.query.js';
export type { ConsumerGroupLagView, KafkaLagView } from './kafka/queries/kafka-lag/kafka-lag.query.js';
export type { ProjectionStatusView, ProjectionsView, ReplayView } from './projections/queries/list-projections/list-projections.query.js';
