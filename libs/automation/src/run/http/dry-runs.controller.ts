import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, CallerMetadata } from '#auth/nest';
import { NotFoundError, type CommandMetadata, type JsonObject } from '#core';
import { AUTOMATION_NAME_PATTERN } from '../../definition/index.js';
import { DryRunCommand } from '../commands/dry-run/dry-run.command.js';
import type { DryRunPlan } from '../commands/dry-run/dry-run.plan.js';
import { AutomationScopeGuard } from './automation-scope.guard.js';
import { DryRunDto, DryRunPlanDto } from './dry-run.dto.js';

/**
 * Dry runs over REST: what the automation's tool does with dryRun: true, behind the scope that
 * starts the automation (automation:<name>, AutomationScopeGuard).
 */
@ApiTags('automations')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@Controller('v1/automations/:name/dry-runs')
@Authenticated()
export class DryRunsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  // On the method: method guards run after the class's (@Authenticated's), so the token is verified first.
  @UseGuards(AutomationScopeGuard)
  @HttpCode(200)
  @ApiParam({ name: 'name', schema: { type: 'string', pattern: AUTOMATION_NAME_PATTERN.source } })
  @ApiOkResponse({ type: DryRunPlanDto, description: 'the plan: nothing was sent; it is recorded as a dry run, never as a run' })
  @ApiBadRequestResponse({ description: 'run.invalid_input (the input does not fit the schema, every issue in details.issues), or a malformed body' })
  @ApiForbiddenResponse({ description: 'insufficient_scope: the token lacks automation:<name>' })
  @ApiNotFoundResponse({ description: "automation.not_found (another tenant's answers the same), connector.not_found (a connector it calls is gone)" })
  @ApiConflictResponse({ description: 'append.idempotency_key_reused: the Idempotency-Key was used for another call' })
  plan(@Param('name') name: string, @Body() body: DryRunDto, @CallerMetadata() metadata: CommandMetadata): Promise<DryRunPlan> {
    if (!AUTOMATION_NAME_PATTERN.test(name)) throw new NotFoundError('automation.not_found', `no automation ${name} in this tenant`, { automation: name });
    return this.commandBus.execute(new DryRunCommand(metadata, name, body.version, body.input as JsonObject));
  }
}
