import { ApiProperty } from '@nestjs/swagger';

export class InstanceDto {
  @ApiProperty({ description: 'a new id at every start of a process' }) instanceId!: string;
  @ApiProperty({ enum: ['platform', 'api', 'worker'], description: 'platform: the all-in-one process (LEDGERLINE_ROLE=all); api: a scale-out API process; worker: a worker' }) role!: string;
  @ApiProperty() host!: string;
  @ApiProperty({ type: 'integer' }) pid!: number;
  @ApiProperty({ example: '0.1.0' }) version!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'its last heartbeat (by its own clock)' }) lastSeenAt!: string;
  @ApiProperty({ type: 'integer', description: 'how often it writes a heartbeat; silent for more than 3 of them, it is stale' }) heartbeatMs!: number;
  @ApiProperty({ enum: ['running', 'stopped', 'stale'], description: 'stopped: shut down gracefully; stale: silent for more than 3 heartbeats (killed, frozen or cut off from the store)' }) status!: string;
  @ApiProperty({ description: 'its readiness at its last heartbeat, as its /readyz answered' }) ready!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { drain: 'ok', eventStore: 'ok' }, description: "each readiness check: ok, or what is wrong (drain: draining; eventStore: unavailable)" })
  checks!: Record<string, string>;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) stoppedAt!: string | null;
}

export class InstanceListDto {
  @ApiProperty({ type: [InstanceDto], description: 'by role, the oldest first; entries unseen for a day are pruned' }) instances!: InstanceDto[];
}
