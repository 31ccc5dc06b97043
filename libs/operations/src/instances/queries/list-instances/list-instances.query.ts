import { Query } from '@nestjs/cqrs';
import type { InstanceRole, InstanceStatus, ReadinessChecks } from '../../instance.js';

/** An entry of the instance registry as the admin API shows it: times ISO-8601 UTC. */
export interface InstanceView {
  instanceId: string;
  role: InstanceRole;
  host: string;
  pid: number;
  version: string;
  startedAt: string;
  lastSeenAt: string;
  heartbeatMs: number;
  status: InstanceStatus;
  ready: boolean;
  checks: ReadinessChecks;
  stoppedAt: string | null;
}

export class ListInstancesQuery extends Query<{ instances: InstanceView[] }> {}
