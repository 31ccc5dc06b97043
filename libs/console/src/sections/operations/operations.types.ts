/** The answers of the operations and tenants endpoints (docs/rest-api.md), as their own libraries type them. */
export type { TenantView } from '#tenants';
export type {
  ConsumerGroupLagView as GroupLag,
  DeadLettersView as DeadLettersAnswer,
  DeadLetterView as DeadLetter,
  InstanceView as Instance,
  KafkaLagView as KafkaLagAnswer,
  ProjectionStatusView as ProjectionStatus,
  ProjectionsView as ProjectionsAnswer,
  ReplayView as Replay,
  RunRef,
} from '#operations';
