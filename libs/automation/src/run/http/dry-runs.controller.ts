import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { InsufficientScopeError } from '#auth';
import { Authenticated, CallerMetadata } from '#auth/nest';
import { NotFoundError, type CommandMetadata, type JsonObject } from '#core';
import { automationScope } from '../../automation/automation-stream.js';
import { AUTOMATION_NAME_PATTERN } from '../../definition/index.js';
import { DryRunCommand } from '../commands/dry-run/dry-run.command.js';
import type { DryRunPlan } from '../commands/dry-run/dry-run.plan.js';
import { DryRunDto, DryRunPlanDto } from './dry-run.dto.js';

/**
 * Dry runs over REST: what the automation's tool does with dryRun: true. The scope is the one
 * that starts the automation (automation:<name>), which a route decorator cannot name, so it is
 * checked here, from the token, before anything is read.
 */
@ApiTags('automations')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@Controller('v1/automations/:name/dry-runs')
@Authenticated()
export class DryRunsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(200)
  @ApiParam({ name: 'name', schema: { type: 'string', pattern: AUTOMATION_NAME_PATTERN.source } })
  @ApiOkResponse({ type: DryRunPlanDto, description: 'the plan: nothing was sent; it is recorded as a dry run, never as a run' })
  @ApiBadRequestResponse({ description: 'run.invalid_input (the input does not fit the schema, every issue in details.issues), or a malformed body' })
  @ApiForbiddenResponse({ description: 'auth.insufficient_scope: the token lacks automation:<name>' })
  @ApiNotFoundResponse({ description: "automation.not_found (another tenant's answers the same)" })
  plan(@Param('name') name: string, @Body() body: DryRunDto, @CallerMetadata() metadata: CommandMetadata): Promise<DryRunPlan> {
    if (!AUTOMATION_NAME_PATTERN.test(name)) throw new NotFoundError('automation.not_found', `no automation ${name} in this tenant`, { automation: name });
    const scope = automationScope(name);
    if (!metadata.scopes.includes(scope)) throw new InsufficientScopeError([scope]);
    return this.commandBus.execute(new DryRunCommand(metadata, name, body.version, body.input as JsonObject));
  }
}
