import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, CallerMetadata } from '#auth/nest';
import type { CommandMetadata } from '#core';
import { ConfirmationExpiredError, ConfirmationNotFoundError, ConfirmationStaleError } from './confirmation.errors.js';
import { ConfirmationLedger } from './confirmation-ledger.js';
import { ConfirmationTokens, type ConfirmationClaim } from './confirmation-tokens.js';

export type ConfirmationStatus = 'waiting' | 'confirmed' | 'used_or_stale' | 'expired';

export class ConfirmationDto {
  @ApiProperty({ description: 'the tool whose call waits for the confirmation' }) tool!: string;
  @ApiProperty({ description: 'the call in words, secret-looking arguments masked' }) summary!: string;
  @ApiProperty({ description: 'the MCP client that made the call' }) clientId!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ enum: ['waiting', 'confirmed', 'used_or_stale', 'expired'], description: 'waiting: confirm it now; confirmed: the client may call again; used_or_stale: this link confirms nothing any more' }) status!: ConfirmationStatus;
}

const TOKEN_PARAM = ApiParam({ name: 'token', description: 'the token in the confirmation link the MCP client was given (opaque, sealed)' });

/**
 * The other half of a confirmation asked through a URL (2025-era clients, and 2026-07-28 clients
 * that declare only URL elicitation): the signed-in person reads what the call would do and
 * confirms it, once, for the round the link was made in. The console's page calls these; so can
 * any client of the person's. Only the person who made the call sees or confirms it.
 */
@ApiTags('mcp')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid bearer token' })
@ApiBadRequestResponse({ description: 'confirmation.invalid (not a token this platform made), confirmation.expired' })
@ApiNotFoundResponse({ description: "confirmation.not_found: the call was another person's (or another tenant's)" })
@Controller('v1/mcp/confirmations')
export class ConfirmationsController {
  constructor(
    private readonly tokens: ConfirmationTokens,
    private readonly ledger: ConfirmationLedger,
  ) {}

  @Get(':token')
  @Authenticated()
  @TOKEN_PARAM
  @ApiOkResponse({ type: ConfirmationDto })
  async get(@Param('token') token: string, @CallerMetadata() metadata: CommandMetadata): Promise<ConfirmationDto> {
    const claim = await this.claimFor(token, metadata);
    return this.describe(claim, await this.statusOf(claim));
  }

  @Post(':token')
  @HttpCode(200)
  @Authenticated()
  @TOKEN_PARAM
  @ApiOkResponse({ type: ConfirmationDto, description: 'confirmed: the client may now call again with the same arguments, once' })
  @ApiConflictResponse({ description: 'confirmation.stale: already confirmed or used (ask for the call again)' })
  async confirm(@Param('token') token: string, @CallerMetadata() metadata: CommandMetadata): Promise<ConfirmationDto> {
    const claim = await this.claimFor(token, metadata);
    const status = await this.statusOf(claim);
    if (status === 'expired') throw new ConfirmationExpiredError();
    if (status !== 'waiting') throw new ConfirmationStaleError();
    // The confirmation allows the call for as long as the round was good (at least a minute from now).
    const expiresAt = Math.max(claim.expiresAt, Date.now() + 60_000);
    const confirmed = await this.ledger.confirm({ ...metadata, tool: claim.tool }, claim.digest, claim.round, { tool: claim.tool, via: 'confirmation-page', expiresAt }, false);
    if (!confirmed) throw new ConfirmationStaleError();
    return this.describe({ ...claim, expiresAt }, 'confirmed');
  }

  /** The claim, when the caller is the person who made the call; anyone else's answers as not found. */
  private async claimFor(token: string, metadata: CommandMetadata): Promise<ConfirmationClaim> {
    const claim = await this.tokens.open(token);
    if (claim.tenantId !== metadata.tenantId || claim.userId !== metadata.userId) throw new ConfirmationNotFoundError();
    return claim;
  }

  private async statusOf(claim: ConfirmationClaim): Promise<ConfirmationStatus> {
    const round = await this.ledger.round(claim.tenantId, claim.digest);
    if (round.version === claim.round) return claim.expiresAt <= Date.now() ? 'expired' : 'waiting';
    if (round.version === claim.round + 1 && round.pendingUntil !== null && round.pendingUntil > Date.now()) return 'confirmed';
    return 'used_or_stale';
  }

  private describe(claim: ConfirmationClaim, status: ConfirmationStatus): ConfirmationDto {
    return { tool: claim.tool, summary: claim.summary, clientId: claim.clientId, expiresAt: new Date(claim.expiresAt).toISOString(), status };
  }
}
