import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { DecideApprovalCommand, type DecideApprovalResult } from '../commands/decide-approval/decide-approval.command.js';
import { ApiQueryOf, parseRestQuery } from '../../rest-query.js';
import { RunViews, type ApprovalSummary } from '../projections/run-views.js';
import { approvalListInput, approvalPageOf } from '../queries/list-approvals/approval-list-page.js';
import { APPROVALS_DECIDE_SCOPE } from '../run-scopes.js';
import { APPROVAL_ID_PATTERN } from '../run-stream.js';

export class ApprovalDecisionDto {
  @ApiProperty({ enum: ['approve', 'deny'] })
  @IsIn(['approve', 'deny'])
  decision!: 'approve' | 'deny';

  @ApiProperty({ minLength: 1, maxLength: 1000 })
  @IsString()
  @Length(1, 1000)
  reason!: string;
}

export class ApprovalSummaryDto {
  @ApiProperty() approvalId!: string;
  @ApiProperty() runId!: string;
  @ApiProperty() stepId!: string;
  @ApiProperty() automation!: string;
  @ApiProperty() requestedBy!: string;
  @ApiProperty() prompt!: string;
  @ApiProperty() requestedAt!: string;
  @ApiProperty({ nullable: true, type: String }) deadlineAt!: string | null;
  @ApiProperty() status!: string;
  @ApiProperty({ nullable: true, type: String }) decidedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the group of yours it is offered to you through; null: offered to anyone who may decide approvals' }) offeredBy!: string | null;
}

export class ApprovalListDto {
  @ApiProperty({ type: [ApprovalSummaryDto] }) approvals!: ApprovalSummaryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'opaque; null on the last page' }) nextCursor!: string | null;
}

export class ApprovalDecisionResultDto {
  @ApiProperty() approvalId!: string;
  @ApiProperty() runId!: string;
  @ApiProperty({ enum: ['approve', 'deny'] }) decision!: 'approve' | 'deny';
}

/** Approvals over REST, for people deciding from an admin console rather than through an agent. */
@ApiTags('approvals')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiForbiddenResponse({ description: `the token lacks the scope ${APPROVALS_DECIDE_SCOPE}, or approval.self_decision, approval.not_an_approver (offered to groups the caller is not in)` })
@Controller('v1/approvals')
@Authenticated(APPROVALS_DECIDE_SCOPE)
export class ApprovalsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly views: RunViews,
  ) {}

  @Get()
  @ApiQueryOf(approvalListInput)
  @ApiOkResponse({ type: ApprovalListDto, description: "pending approvals of the caller's tenant that the caller may decide (not of its own runs; offered to a group only when the caller is in it), oldest first; nextCursor is null on the last page" })
  @ApiBadRequestResponse({ description: 'approval.invalid_query, approval.invalid_cursor' })
  pending(@Query() query: Record<string, unknown>, @CallerMetadata() metadata: CommandMetadata): Promise<{ approvals: ApprovalSummary[]; nextCursor: string | null }> {
    return this.views.approvalsFor(metadata, approvalPageOf(parseRestQuery(approvalListInput, query, 'approval.invalid_query', { numbers: ['limit'] })));
  }

  @Post(':approvalId/decision')
  @HttpCode(200)
  @ApiParam({ name: 'approvalId', schema: { type: 'string', pattern: APPROVAL_ID_PATTERN }, description: 'run-<uuid>.<step id>' })
  @ApiOkResponse({ type: ApprovalDecisionResultDto, description: 'the decision is recorded; the run goes on (approve) or fails (deny)' })
  @ApiNotFoundResponse({ description: 'approval.not_found' })
  @ApiConflictResponse({ description: 'approval.not_pending, approval.expired' })
  decide(@Param('approvalId') approvalId: string, @Body() body: ApprovalDecisionDto, @CallerMetadata() metadata: CommandMetadata): Promise<DecideApprovalResult> {
    return this.commandBus.execute(new DecideApprovalCommand(metadata, approvalId, body.decision, body.reason));
  }
}
