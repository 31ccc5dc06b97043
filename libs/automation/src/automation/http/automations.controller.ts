import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { AUTOMATION_NAME_PATTERN } from '../../definition/index.js';
import { ApiQueryOf, parseRestQuery } from '../../rest-query.js';
import { AutomationCatalog, automationSummary, type AutomationSummary } from '../automation-catalog.js';
import { AUTOMATIONS_ADMIN_SCOPE, automationScope } from '../automation-stream.js';
import { PublishAutomationCommand, type PublishAutomationResult } from '../commands/publish-automation/publish-automation.command.js';
import { AutomationHistory, type AutomationDetails } from '../queries/get-automation/automation-history.js';
import { PromoteAutomationCommand, type PromoteAutomationResult } from '../commands/promote-automation/promote-automation.command.js';
import { ShadowReports, type ShadowReport } from '../../shadow/queries/shadow-report.js';
import { PromoteAutomationDto, PromoteAutomationResultDto, ShadowReportDto } from '../../shadow/http/shadow.dto.js';
import { AutomationDetailsDto, AutomationListDto, PublishAutomationDto } from './automation.dto.js';

const versionQuery = z.strictObject({ version: z.number().int().min(1).max(2_147_483_647).optional().describe('the version whose definition to give; the current one without it') });

/**
 * Admin REST for the caller's tenant's automations: the same commands as automation_publish,
 * automation_list, automation_shadow_report and automation_promote, and one automation's versions.
 */
@ApiTags('automations')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: `the token lacks the scope ${AUTOMATIONS_ADMIN_SCOPE}` })
@Controller('v1/automations')
@Authenticated(AUTOMATIONS_ADMIN_SCOPE)
export class AutomationsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly catalog: AutomationCatalog,
    private readonly history: AutomationHistory,
    private readonly shadowReports: ShadowReports,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOkResponse({ description: 'the published version (changed: false when the live version, or with inShadow the shadow version, already had this definition)' })
  @ApiBadRequestResponse({ description: 'automation.invalid, automation.invalid_criteria, with every issue by path in details.issues' })
  publish(@Body() body: PublishAutomationDto, @CallerMetadata() metadata: CommandMetadata): Promise<PublishAutomationResult> {
    return this.commandBus.execute(new PublishAutomationCommand(metadata, body.definition, { inShadow: body.inShadow, successCriteria: body.successCriteria }));
  }

  @Get()
  @ApiOkResponse({ type: AutomationListDto, description: 'the live version of each, and its shadow version if any' })
  async list(@CallerMetadata() metadata: CommandMetadata): Promise<{ automations: AutomationSummary[] }> {
    return { automations: (await this.catalog.live(metadata.tenantId)).map(automationSummary) };
  }

  @Get(':name')
  @ApiParam({ name: 'name', schema: { type: 'string', pattern: AUTOMATION_NAME_PATTERN.source } })
  @ApiQueryOf(versionQuery)
  @ApiOkResponse({ type: AutomationDetailsDto, description: 'its versions, newest first, and the definition of the current one (or of ?version=)' })
  @ApiBadRequestResponse({ description: 'automation.invalid_name, automation.invalid_query' })
  @ApiNotFoundResponse({ description: "automation.not_found (another tenant's answers the same), automation.version_not_found" })
  get(@Param('name') name: string, @Query() query: Record<string, unknown>, @CallerMetadata() metadata: CommandMetadata): Promise<AutomationDetails> {
    const { version } = parseRestQuery(versionQuery, query, 'automation.invalid_query', { numbers: ['version'] });
    return this.history.get(metadata.tenantId, name, version);
  }

  @Get(':name/shadow-report')
  @ApiParam({ name: 'name', schema: { type: 'string', pattern: AUTOMATION_NAME_PATTERN.source } })
  @ApiOkResponse({ type: ShadowReportDto, description: 'how the shadow version compares with the live one, and whether its success criteria hold' })
  @ApiBadRequestResponse({ description: 'automation.invalid_name' })
  @ApiNotFoundResponse({ description: "automation.not_found (another tenant's answers the same)" })
  @ApiConflictResponse({ description: 'automation.no_shadow: no shadow version is attached' })
  shadowReport(@Param('name') name: string, @CallerMetadata() metadata: CommandMetadata): Promise<ShadowReport> {
    return this.shadowReports.current(metadata.tenantId, name);
  }

  @Post(':name/promote')
  @HttpCode(200)
  @ApiParam({ name: 'name', schema: { type: 'string', pattern: AUTOMATION_NAME_PATTERN.source } })
  @ApiOkResponse({ type: PromoteAutomationResultDto, description: 'the shadow version is live now; no shadow is attached' })
  @ApiBadRequestResponse({ description: 'automation.invalid_name, automation.invalid_override' })
  @ApiNotFoundResponse({ description: "automation.not_found (another tenant's answers the same)" })
  @ApiConflictResponse({ description: 'automation.criteria_unmet (each unmet criterion and the figures in details), automation.no_shadow, automation.shadow_changed' })
  promote(@Param('name') name: string, @Body() body: PromoteAutomationDto, @CallerMetadata() metadata: CommandMetadata): Promise<PromoteAutomationResult> {
    return this.commandBus.execute(new PromoteAutomationCommand(metadata, name, body.override));
  }
}
