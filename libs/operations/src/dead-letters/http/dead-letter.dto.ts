import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, Matches, ValidateIf, ValidateNested } from 'class-validator';
import { RUN_ID_PATTERN } from '#automation';
import { TENANT_ID } from '#tenants';

/** Most runs one redrive names. */
const MAX_RUNS = 500;

/** Optional, but never null (IsOptional would let null through). */
const isPresent = (_dto: object, value: unknown): boolean => value !== undefined;

export class RunRefDto {
  @ApiProperty({ example: 'acme', pattern: TENANT_ID.source }) @Matches(TENANT_ID) tenantId!: string;
  @ApiProperty({ example: 'run-0198c6d2-7a4e-7b21-9d1f-3c5e8a9b0c1d', pattern: RUN_ID_PATTERN }) @Matches(new RegExp(RUN_ID_PATTERN)) runId!: string;
}

export class RedriveDeadLettersDto {
  @ApiPropertyOptional({ type: [RunRefDto], minItems: 1, maxItems: MAX_RUNS, description: 'the runs to redrive; each must be waiting in the dead letters, or nothing is redriven' })
  @ValidateIf(isPresent)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RUNS)
  @ValidateNested({ each: true })
  @Type(() => RunRefDto)
  runs?: RunRefDto[];

  @ApiPropertyOptional({ description: 'true: every run waiting in the dead letters (instead of runs)' })
  @ValidateIf(isPresent)
  @IsBoolean()
  all?: boolean;
}

export class RedrivenDto {
  @ApiProperty({ type: [RunRefDto], description: 'the runs put back to work; the workers carry them on within a moment' }) redriven!: RunRefDto[];
}

export class DeadLetterDto {
  @ApiProperty() tenantId!: string;
  @ApiProperty() runId!: string;
  @ApiProperty({ type: 'integer', description: 'failures before it was dead-lettered' }) failures!: number;
  @ApiProperty({ description: 'why the last attempt failed' }) error!: string;
  @ApiProperty({ format: 'date-time', description: 'when it was dead-lettered' }) at!: string;
}

export class DeadLettersDto {
  @ApiProperty({ description: 'false: KAFKA_BROKERS is not set, so there are no dead letters (without Kafka, runs are retried in process)' }) kafka!: boolean;
  @ApiProperty({ type: [DeadLetterDto], description: 'dead-lettered and not redriven since, oldest first' }) deadLetters!: DeadLetterDto[];
}
