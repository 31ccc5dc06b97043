import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { RunDetails } from '../run-reader.js';
import { RUN_STATUSES, STEP_STATUSES, type RunStatus, type StepStatus } from '../run.state.js';

export class CancelRunDto {
  @ApiProperty({ minLength: 1, maxLength: 500 })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

/** Any JSON value; OpenAPI 3.0 has no schema for it but the union of its types. */
const ANY_JSON = [{ type: 'object', additionalProperties: true }, { type: 'array', items: {} }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'string', nullable: true, enum: [null] }];

class RunStepDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: STEP_STATUSES }) status!: StepStatus;
  @ApiProperty({ type: 'integer' }) attempts!: number;
  @ApiProperty({ description: "the step's output: any JSON, or null (ERASED after a purge)", oneOf: ANY_JSON }) output!: unknown;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) retryAt!: string | null;
}

/** A nullable object, inline: OpenAPI 3.0 cannot make a $ref nullable. */
function nullableObject(properties: Record<string, { type: 'string' | 'integer' | 'boolean'; nullable?: true } | { type: 'array'; items: { type: 'string' } }>): ApiPropertyOptions {
  return { type: 'object', nullable: true, properties, required: Object.keys(properties), additionalProperties: false } as ApiPropertyOptions;
}
const TEXT = { type: 'string' } as const;
const NULLABLE_TEXT = { type: 'string', nullable: true } as const;

export class RunDetailsDto {
  @ApiProperty() runId!: string;
  @ApiProperty() automation!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ enum: RUN_STATUSES }) status!: RunStatus;
  @ApiProperty() startedBy!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) deadlineAt!: string;
  @ApiProperty({ nullable: true, type: String }) currentStep!: string | null;
  @ApiProperty({ type: [RunStepDto] }) steps!: RunStepDto[];
  @ApiProperty(nullableObject({
    approvalId: TEXT, status: TEXT, decidedBy: NULLABLE_TEXT, reason: NULLABLE_TEXT, groups: { type: 'array', items: TEXT }, reminders: { type: 'integer' }, escalated: { type: 'boolean' },
  }))
  approval!: RunDetails['approval'];
  @ApiProperty({ ...nullableObject({ groups: { type: 'array', items: TEXT }, policies: { type: 'array', items: TEXT }, granted: { type: 'boolean' } }), description: "the approval the tenant's policies asked for before the first step; null when none asked" })
  policyApproval!: RunDetails['policyApproval'];
  @ApiProperty(nullableObject({ reason: TEXT, requestedBy: TEXT }))
  cancel!: RunDetails['cancel'];
  @ApiProperty(nullableObject({ stepId: NULLABLE_TEXT, code: TEXT, message: TEXT }))
  lastError!: RunDetails['lastError'];
  @ApiProperty({ type: 'integer' }) streamVersion!: number;
}

export class CancelRunResultDto {
  @ApiProperty() runId!: string;
  @ApiProperty({ enum: RUN_STATUSES, description: 'cancelled, or cancelling while a call is under way' }) status!: RunStatus;
}
