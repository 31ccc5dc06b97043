import { ApiProperty } from '@nestjs/swagger';

export class ReplayDto {
  @ApiProperty({ type: 'integer', description: 'its shadow tables are <table>__r<generation>' }) generation!: number;
  @ApiProperty({ nullable: true, type: String, description: "the one tenant whose rows it rebuilds (replay --tenant); null: every tenant's" }) tenantId!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'the shadow holds the log up to here' }) position!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'the live checkpoint it catches up to before it switches in' }) target!: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'position / target' }) progress!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'its last batch: a replay at work moves it every batch, an interrupted one waits to be resumed (the same command again); null if an older replay left it' })
  updatedAt!: string | null;
}

export class ProjectionStatusDto {
  @ApiProperty({ example: 'runs' }) name!: string;
  @ApiProperty({ type: 'integer', description: "the projection's version in this process's code" }) version!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'the version of the view as built (null: not built yet); a different one is rebuilt from the log when a process that applies the view starts' }) storedVersion!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, description: 'every event of the log up to here is in the view (fed by Kafka: the lowest of its partitions); null: not built yet' }) checkpoint!: number | null;
  @ApiProperty({ type: 'array', items: { type: 'integer' }, nullable: true, description: "fed by Kafka's views topic: each partition's position; null: the view follows the log" }) partitions!: number[] | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'events of the log after the checkpoint (head − checkpoint)' }) lag!: number;
  @ApiProperty({ type: ReplayDto, nullable: true, description: 'an online replay (ledgerline replay) not switched in yet; null: none' }) replay!: ReplayDto | null;
}

export class ProjectionsDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'the last committed position of the log' }) head!: number;
  @ApiProperty({ type: [ProjectionStatusDto], description: 'by name' }) projections!: ProjectionStatusDto[];
}
