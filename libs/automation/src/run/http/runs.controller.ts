import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { ApiQueryOf, parseRestQuery } from '../../rest-query.js';
import { CancelRunCommand, type CancelRunResult } from '../commands/cancel-run/cancel-run.command.js';
import { RunViews, type RunSummary } from '../projections/run-views.js';
import { runListFilterOf, runListInput } from '../queries/list-runs/run-list-filter.js';
import { RunTimeline, runEventsInput, type RunEventPage } from '../queries/run-events/run-timeline.js';
import { RunReader, type RunDetails } from '../run-reader.js';
import { RUNS_ADMIN_SCOPE, RUNS_CANCEL_SCOPE, RUNS_SCOPE } from '../run-scopes.js';
import { RUN_ID_PATTERN } from '../run-stream.js';
import { CancelRunResultDto, CancelRunDto, RunDetailsDto } from './run.dto.js';
import { RunEventsDto, RunListDto } from './run-pages.dto.js';

const RUN_ID_PARAM = ApiParam({ name: 'runId', schema: { type: 'string', pattern: RUN_ID_PATTERN }, description: 'run-<uuid>' });
const NOT_READABLE = "run.not_found: no such run in the caller's tenant (another tenant's answers the same)";

/** Runs over REST, as run_list, run_get and run_cancel give them to agents, and a run's history for a timeline. */
@ApiTags('runs')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: "the token lacks the scope, or run.not_yours (another user's run, without runs:admin or approvals:decide)" })
@Controller('v1/runs')
export class RunsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly runs: RunReader,
    private readonly views: RunViews,
    private readonly timeline: RunTimeline,
  ) {}

  @Get()
  @Authenticated(RUNS_SCOPE)
  @ApiQueryOf(runListInput)
  @ApiOkResponse({ type: RunListDto, description: `the caller's runs (every user's with allUsers=true and ${RUNS_ADMIN_SCOPE}), newest first; nextCursor is null on the last page` })
  @ApiBadRequestResponse({ description: 'run.invalid_filter, run.invalid_cursor, run.list_all_needs_admin' })
  list(@Query() query: Record<string, unknown>, @CallerMetadata() metadata: CommandMetadata): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
    const input = parseRestQuery(runListInput, query, 'run.invalid_filter', { numbers: ['limit'], booleans: ['allUsers'] });
    return this.views.listRuns(metadata, runListFilterOf(input, metadata));
  }

  @Get(':runId')
  @Authenticated(RUNS_SCOPE)
  @RUN_ID_PARAM
  @ApiOkResponse({ type: RunDetailsDto, description: 'the run: status, steps, output or error' })
  @ApiNotFoundResponse({ description: NOT_READABLE })
  get(@Param('runId') runId: string, @CallerMetadata() metadata: CommandMetadata): Promise<RunDetails> {
    return this.runs.get(metadata, runId);
  }

  @Get(':runId/events')
  @Authenticated(RUNS_SCOPE)
  @RUN_ID_PARAM
  @ApiQueryOf(runEventsInput)
  @ApiOkResponse({ type: RunEventsDto, description: "the run's events in stream order, personal data sealed; nextAfter is null once the page reached the last event so far" })
  @ApiBadRequestResponse({ description: 'run.invalid_id, run.invalid_query' })
  @ApiNotFoundResponse({ description: NOT_READABLE })
  events(@Param('runId') runId: string, @Query() query: Record<string, unknown>, @CallerMetadata() metadata: CommandMetadata): Promise<RunEventPage> {
    return this.timeline.page(metadata, runId, parseRestQuery(runEventsInput, query, 'run.invalid_query', { numbers: ['after', 'limit'] }));
  }

  @Post(':runId/cancel')
  @HttpCode(200)
  @Authenticated(RUNS_CANCEL_SCOPE)
  @RUN_ID_PARAM
  @ApiNotFoundResponse({ description: 'run.not_found' })
  @ApiOkResponse({ type: CancelRunResultDto, description: 'the run is cancelled (or its cancellation requested)' })
  @ApiConflictResponse({ description: 'run.finished' })
  cancel(@Param('runId') runId: string, @Body() body: CancelRunDto, @CallerMetadata() metadata: CommandMetadata): Promise<CancelRunResult> {
    return this.commandBus.execute(new CancelRunCommand(metadata, runId, body.reason));
  }
}
