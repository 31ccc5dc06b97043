import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiProperty, ApiTags, ApiUnauthorizedResponse, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Authenticated, CallerMetadata } from '#auth';
import type { CommandMetadata } from '#core';
import { CancelRunCommand, type CancelRunResult } from '../commands/cancel-run/cancel-run.command.js';
import { RunReader, type RunDetails } from '../run-reader.js';
import { RUNS_CANCEL_SCOPE, RUNS_SCOPE } from '../run-scopes.js';
import type { RunStatus, StepStatus } from '../run.state.js';
import { RUN_ID_PATTERN } from '../run-stream.js';

export class CancelRunDto {
  @ApiProperty({ minLength: 1, maxLength: 500 })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

/** Every status, checked against the state's types: one added there fails to compile here until listed. */
const STEP_STATUSES = Object.keys({ pending: 1, running: 1, retrying: 1, waiting: 1, awaiting_approval: 1, succeeded: 1, failed: 1, skipped: 1 } satisfies Record<StepStatus, 1>);
const RUN_STATUSES = Object.keys({ running: 1, cancelling: 1, completed: 1, failed: 1, cancelled: 1, timed_out: 1 } satisfies Record<RunStatus, 1>);

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
function nullableObject(properties: Record<string, { type: 'string'; nullable?: true }>): ApiPropertyOptions {
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
  @ApiProperty(nullableObject({ approvalId: TEXT, status: TEXT, decidedBy: NULLABLE_TEXT, reason: NULLABLE_TEXT }))
  approval!: RunDetails['approval'];
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

/** One run over REST, as run_get and run_cancel give it to agents. */
@ApiTags('runs')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: 'the token lacks the scope, or run.not_yours' })
@ApiNotFoundResponse({ description: 'run.not_found' })
@ApiParam({ name: 'runId', schema: { type: 'string', pattern: RUN_ID_PATTERN }, description: 'run-<uuid>' })
@Controller('v1/runs')
export class RunsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly runs: RunReader,
  ) {}

  @Get(':runId')
  @Authenticated(RUNS_SCOPE)
  @ApiOkResponse({ type: RunDetailsDto, description: 'the run: status, steps, output or error' })
  get(@Param('runId') runId: string, @CallerMetadata() metadata: CommandMetadata): Promise<RunDetails> {
    return this.runs.get(metadata, runId);
  }

  @Post(':runId/cancel')
  @HttpCode(200)
  @Authenticated(RUNS_CANCEL_SCOPE)
  @ApiOkResponse({ type: CancelRunResultDto, description: 'the run is cancelled (or its cancellation requested)' })
  @ApiConflictResponse({ description: 'run.finished' })
  cancel(@Param('runId') runId: string, @Body() body: CancelRunDto, @CallerMetadata() metadata: CommandMetadata): Promise<CancelRunResult> {
    return this.commandBus.execute(new CancelRunCommand(metadata, runId, body.reason));
  }
}
