import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Authenticated, CallerMetadata } from '#auth';
import type { CommandMetadata } from '#core';
import { CancelRunCommand, type CancelRunResult } from '../commands/cancel-run/cancel-run.command.js';
import { RunReader, type RunDetails } from '../run-reader.js';
import { RUNS_CANCEL_SCOPE, RUNS_SCOPE } from '../run-scopes.js';
import { RUN_ID_PATTERN } from '../run-stream.js';

export class CancelRunDto {
  @ApiProperty({ minLength: 1, maxLength: 500 })
  @IsString()
  @Length(1, 500)
  reason!: string;
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
  @ApiOkResponse({ description: 'the run: status, steps, output or error' })
  get(@Param('runId') runId: string, @CallerMetadata() metadata: CommandMetadata): Promise<RunDetails> {
    return this.runs.get(metadata, runId);
  }

  @Post(':runId/cancel')
  @HttpCode(200)
  @Authenticated(RUNS_CANCEL_SCOPE)
  @ApiOkResponse({ description: 'the run is cancelled (or its cancellation requested)' })
  @ApiConflictResponse({ description: 'run.finished' })
  cancel(@Param('runId') runId: string, @Body() body: CancelRunDto, @CallerMetadata() metadata: CommandMetadata): Promise<CancelRunResult> {
    return this.commandBus.execute(new CancelRunCommand(metadata, runId, body.reason));
  }
}
