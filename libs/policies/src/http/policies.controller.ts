import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import type { PolicyChangeResult } from '../commands/publish-policy/publish-policy.command.js';
import { PublishPolicyCommand } from '../commands/publish-policy/publish-policy.command.js';
import { RemovePolicyCommand, type RemovePolicyResult } from '../commands/remove-policy/remove-policy.command.js';
import { SetPolicyModeCommand } from '../commands/set-policy-mode/set-policy-mode.command.js';
import { ListPoliciesQuery, type PolicySummary } from '../queries/list-policies/list-policies.query.js';
import type { PolicyReport } from '../queries/report-policies/policy-report.js';
import { ReportPoliciesQuery } from '../queries/report-policies/report-policies.query.js';
import { POLICIES_ADMIN_SCOPE, POLICIES_READ_SCOPE } from '../policy-stream.js';
import { POLICY_NAME } from '../policy.limits.js';
import { PolicyChangeDto, PolicyListDto, PolicyRemovedDto, PolicyReportDto, PublishPolicyDto, SetPolicyModeDto } from './policy.dto.js';

/** The caller's tenant's policies (/v1/policies) and their report (/v1/policy-report): the same commands and queries as the policy_* tools. */
@ApiTags('policies')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: `the token lacks the scope (${POLICIES_READ_SCOPE} to read, ${POLICIES_ADMIN_SCOPE} to change)` })
@Controller('v1')
export class PoliciesController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Get('policies')
  @Authenticated(POLICIES_READ_SCOPE)
  @ApiOkResponse({ type: PolicyListDto })
  list(@CallerMetadata() metadata: CommandMetadata): Promise<{ policies: PolicySummary[] }> {
    return this.queryBus.execute(new ListPoliciesQuery(metadata));
  }

  // Not /v1/policies/report: DELETE /v1/policies/{name} would answer on that path too (a policy may be named report).
  @Get('policy-report')
  @Authenticated(POLICIES_READ_SCOPE)
  @ApiQuery({ name: 'since', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({ name: 'policy', required: false, schema: { type: 'string', pattern: POLICY_NAME.source } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 50 } })
  @ApiOkResponse({ type: PolicyReportDto })
  @ApiBadRequestResponse({ description: 'policy.invalid_report_query, policy.invalid_name' })
  report(@Query() query: Record<string, unknown>, @CallerMetadata() metadata: CommandMetadata): Promise<PolicyReport> {
    // Query values are text: a well-formed limit becomes a number, anything else is left for the filter to refuse.
    const limit = typeof query.limit === 'string' && /^\d{1,4}$/.test(query.limit) ? Number(query.limit) : query.limit;
    return this.queryBus.execute(new ReportPoliciesQuery(metadata, { ...query, ...(limit !== undefined && { limit }) }));
  }

  @Post('policies')
  @HttpCode(200)
  @Authenticated(POLICIES_ADMIN_SCOPE)
  @ApiOkResponse({ type: PolicyChangeDto })
  @ApiBadRequestResponse({ description: 'policy.invalid (every issue with its line and column in details.issues), policy.invalid_name, policy.invalid_mode, policy.text_too_large: nothing is appended' })
  publish(@Body() body: PublishPolicyDto, @CallerMetadata() metadata: CommandMetadata): Promise<PolicyChangeResult> {
    return this.commandBus.execute(new PublishPolicyCommand({ ...metadata, tool: 'POST /v1/policies' }, body.name, body.text, body.mode === undefined ? 'log-only' : body.mode));
  }

  @Post('policies/:name/mode')
  @HttpCode(200)
  @ApiParam({ name: 'name', schema: { type: 'string', pattern: POLICY_NAME.source } })
  @Authenticated(POLICIES_ADMIN_SCOPE)
  @ApiOkResponse({ type: PolicyChangeDto })
  @ApiBadRequestResponse({ description: 'policy.invalid_name, policy.invalid_mode' })
  @ApiNotFoundResponse({ description: "policy.not_found (another tenant's policy answers the same)" })
  setMode(@Param('name') name: string, @Body() body: SetPolicyModeDto, @CallerMetadata() metadata: CommandMetadata): Promise<PolicyChangeResult> {
    return this.commandBus.execute(new SetPolicyModeCommand({ ...metadata, tool: 'POST /v1/policies/{name}/mode' }, name, body.mode));
  }

  @Delete('policies/:name')
  @ApiParam({ name: 'name', schema: { type: 'string', pattern: POLICY_NAME.source } })
  @Authenticated(POLICIES_ADMIN_SCOPE)
  @ApiOkResponse({ type: PolicyRemovedDto })
  @ApiBadRequestResponse({ description: 'policy.invalid_name' })
  @ApiNotFoundResponse({ description: "policy.not_found (another tenant's policy answers the same)" })
  remove(@Param('name') name: string, @CallerMetadata() metadata: CommandMetadata): Promise<RemovePolicyResult> {
    return this.commandBus.execute(new RemovePolicyCommand({ ...metadata, tool: 'DELETE /v1/policies/{name}' }, name));
  }
}
