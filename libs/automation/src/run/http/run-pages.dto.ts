import { ApiProperty } from '@nestjs/swagger';
import { RUN_STATUSES, type RunStatus } from '../run.state.js';

export class RunSummaryDto {
  @ApiProperty() runId!: string;
  @ApiProperty() automation!: string;
  @ApiProperty({ type: 'integer', description: "the automation's version the run started with" }) version!: number;
  @ApiProperty({ enum: RUN_STATUSES }) status!: RunStatus;
  @ApiProperty() startedBy!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) currentStep!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the message of the last failed attempt' }) lastError!: string | null;
}

export class RunListDto {
  @ApiProperty({ type: [RunSummaryDto] }) runs!: RunSummaryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'opaque; null on the last page' }) nextCursor!: string | null;
}

export class RunEventDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: "the event's version in the run's stream (1: RunStarted)" }) version!: number;
  @ApiProperty({ type: 'integer', description: "the event's global position (as the audit trail gives it)" }) position!: number;
  @ApiProperty({ description: 'RunStarted, StepStarted, StepFailed, ApprovalRequested, RunCompleted, …' }) type!: string;
  @ApiProperty({ format: 'date-time', description: 'when it was recorded' }) at!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the event\'s data; personal data (the input, outputs, prompts) reads {"sealed":true}' }) data!: Record<string, unknown>;
}

export class RunEventsDto {
  @ApiProperty({ type: [RunEventDto] }) events!: RunEventDto[];
  @ApiProperty({ nullable: true, type: 'integer', description: 'pass as after for the next page; null when the page reached the last event so far' }) nextAfter!: number | null;
  @ApiProperty({ enum: RUN_STATUSES, description: "the run's status when read" }) runStatus!: RunStatus;
}
