export * from './operations-http.module.js';
export * from './instances/instances.module.js';
export { READINESS_PROBE, type Readiness, type ReadinessProbe } from './instances/readiness.port.js';
export type { InstanceRole, ReadinessChecks } from './instances/instance.js';
export type { OperationsKafkaSettings } from './kafka/operations-kafka.js';
