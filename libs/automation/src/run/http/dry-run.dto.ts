import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';

export class DryRunDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: "the run's input, checked against the automation's input schema" })
  @IsObject()
  input!: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'the version to plan; the current one without it' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;
}

export class DryRunPlanDto {
  @ApiProperty({ description: 'dryrun-<uuid>: the stream the plan is recorded on' }) dryRunId!: string;
  @ApiProperty() automation!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ enum: ['completed', 'failed', 'timed_out', 'undecided'], description: 'how the run would end' }) outcome!: string;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'why it would not complete: stepId, code, message' }) error!: Record<string, unknown> | null;
  @ApiProperty({
    type: 'array', items: { type: 'object', additionalProperties: true },
    description: 'each step as the run would take it: call (request with the secret as "[secret]", egress, rate, response, attempts), condition (result, next), wait (until), approval (prompt, approvers, the reminders and escalation it would send, assumed: granted), skipped (reason)',
  })
  steps!: Array<Record<string, unknown>>;
}
