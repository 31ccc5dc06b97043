import { Inject, Injectable } from '@nestjs/common';
import { inputRequired, inputResponse, UrlElicitationRequiredError, type ServerContext } from '@modelcontextprotocol/server';
import { AUTH_SETTINGS, type AuthSettings } from '#auth';
import type { CommandMetadata } from '#core';
import { clientCapabilitiesOf } from '../client-capabilities.js';
import { MCP_SETTINGS, type McpSettings } from '../mcp.settings.js';
import type { RegisteredTool } from '../registered-tool.js';
import { CallInterrupted, type CallOptions } from '../tool-invoker.js';
import { ConfirmationDeclinedError, ConfirmationExpiredError, ConfirmationStaleError, ConfirmationUnsupportedError, InvalidConfirmationError } from './confirmation.errors.js';
import { ConfirmationLedger } from './confirmation-ledger.js';
import { ConfirmationPolicy } from './confirmation-policy.js';
import { ConfirmationTokens, type ConfirmationClaim } from './confirmation-tokens.js';

/** The key of the one input request a confirmation round makes. */
const CONFIRM = 'confirm';
const CONFIRM_SCHEMA = { type: 'object' as const, properties: { confirm: { type: 'boolean' as const, title: 'Confirm', description: 'Yes: do it. No: do nothing.' } }, required: ['confirm'] };
const SECRET_NAMES = /secret|password|passphrase|token|credential|api[-_]?key|private/i;
const SUMMARY_MAX = 300;

/**
 * Sensitive calls (configured tools: by default deleting memory, publishing an automation, setting
 * a connector's secret) run only once the person confirmed that exact call, and nothing is appended
 * before. The ask is the revision's own:
 * - 2026-07-28: an `input_required` result with a form elicitation (or a URL one, for a client that
 *   declares only that) and a sealed requestState naming the call; the client retries with the
 *   answer, and the confirmation and its use are appended before the tool runs;
 * - 2025-era (stateless, nothing can be pushed to the client): JSON-RPC -32042 with a URL
 *   elicitation to the platform's confirmation page, where the signed-in person confirms; the
 *   client's identical retry then uses that confirmation, once.
 * A client that declares neither kind of elicitation (2026-07-28) gets a typed refusal. A tenant
 * may let the clients that cannot be asked in-band (those, and every 2025-era client) through
 * unconfirmed (PUT /v1/mcp/confirmation-policy); the clients that can ask are always asked.
 */
@Injectable()
export class CallConfirmations {
  private readonly sensitive: ReadonlySet<string>;

  constructor(
    private readonly ledger: ConfirmationLedger,
    private readonly tokens: ConfirmationTokens,
    private readonly policy: ConfirmationPolicy,
    @Inject(MCP_SETTINGS) private readonly settings: McpSettings,
    @Inject(AUTH_SETTINGS) private readonly auth: AuthSettings,
  ) {
    this.sensitive = new Set(settings.confirmTools);
  }

  needsConfirmation(tool: string): boolean {
    return this.sensitive.has(tool);
  }

  /** The invoker's hook for one tools/call of this era. */
  hook(era: 'legacy' | 'modern', ctx: ServerContext, metadata: CommandMetadata): CallOptions['beforeExecute'] {
    if (this.sensitive.size === 0) return undefined;
    return async (tool, input) => {
      if (!this.sensitive.has(tool.name)) return;
      const digest = this.ledger.digestOf(metadata, tool.name, input);
      if (era === 'legacy') await this.legacy(metadata, tool, input, digest);
      else await this.modern(ctx, metadata, tool, input, digest);
    };
  }

  /** The page's link for a round, on the public URL: the console shows it to the signed-in person. */
  pageUrl(token: string): string {
    return new URL(`/console/confirmations/${token}`, this.auth.resourceUrl).href;
  }

  private async legacy(metadata: CommandMetadata, tool: RegisteredTool, input: unknown, digest: string): Promise<void> {
    // A 2025-era client cannot be asked in-band: a tenant that allows such clients lets the call run.
    if ((await this.policy.of(metadata.tenantId)) === 'allow') return;
    let round = await this.ledger.round(metadata.tenantId, digest);
    if (round.pendingUntil !== null && round.pendingUntil > Date.now()) {
      if (await this.ledger.use(metadata, digest, round.version, tool.name)) return;
      round = await this.ledger.round(metadata.tenantId, digest);
    }
    const claim = this.claimOf(metadata, tool, input, digest, round.version);
    const url = this.pageUrl(await this.tokens.seal(claim));
    const error = new UrlElicitationRequiredError([{ mode: 'url', elicitationId: `${digest}.${round.version}`, url, message: `Confirm on this page: ${claim.summary}` }], `${tool.name} needs your confirmation: open the link, confirm, then call again with the same arguments`);
    throw new CallInterrupted('confirmation_required', { error });
  }

  private async modern(ctx: ServerContext, metadata: CommandMetadata, tool: RegisteredTool, input: unknown, digest: string): Promise<void> {
    const responses = ctx.mcpReq.inputResponses;
    if (responses?.[CONFIRM] !== undefined) return this.answered(ctx, metadata, tool, digest);
    const elicitation = clientCapabilitiesOf(ctx)?.elicitation as { form?: unknown; url?: unknown } | undefined;
    if (elicitation === undefined) {
      if ((await this.policy.of(metadata.tenantId)) === 'allow') return;
      throw new ConfirmationUnsupportedError(tool.name);
    }
    // An empty elicitation capability is form support (as before URL mode existed).
    const form = elicitation.form !== undefined || elicitation.url === undefined;
    const round = await this.ledger.round(metadata.tenantId, digest);
    const claim = this.claimOf(metadata, tool, input, digest, round.version);
    const requestState = await this.tokens.seal(claim);
    const ask = form
      ? inputRequired.elicit({ message: `Confirm: ${claim.summary}`, requestedSchema: CONFIRM_SCHEMA })
      : inputRequired.elicitUrl({ message: `Confirm on this page: ${claim.summary}`, url: this.pageUrl(requestState) });
    throw new CallInterrupted('confirmation_required', { result: inputRequired({ inputRequests: { [CONFIRM]: ask }, requestState }) as unknown as Record<string, unknown> });
  }

  /** The client's retry with the person's answer and the round's requestState: confirmed (and used) now, or refused. */
  private async answered(ctx: ServerContext, metadata: CommandMetadata, tool: RegisteredTool, digest: string): Promise<void> {
    const state = ctx.mcpReq.requestState();
    if (typeof state !== 'string') throw new InvalidConfirmationError();
    const claim = await this.tokens.open(state);
    if (claim.digest !== digest || claim.tenantId !== metadata.tenantId || claim.userId !== metadata.userId || claim.clientId !== metadata.clientId) throw new InvalidConfirmationError();
    if (claim.expiresAt <= Date.now()) throw new ConfirmationExpiredError();
    const answer = inputResponse(ctx.mcpReq.inputResponses, CONFIRM);
    if (answer.kind !== 'elicit' || answer.action !== 'accept') throw new ConfirmationDeclinedError(tool.name);
    const content = (answer as { content?: Record<string, unknown> }).content;
    if (content !== undefined && content[CONFIRM] !== undefined) {
      // A form answer: the person said yes (or no) in their client; that is the confirmation, used at once.
      if (content[CONFIRM] !== true) throw new ConfirmationDeclinedError(tool.name);
      if (!(await this.ledger.confirm(metadata, digest, claim.round, { tool: tool.name, via: 'client-form', expiresAt: claim.expiresAt }, true))) throw new ConfirmationStaleError();
      return;
    }
    // A URL answer: the person confirmed on the page (or not); use what the page recorded.
    const round = await this.ledger.round(metadata.tenantId, digest);
    if (round.pendingUntil === null || round.pendingUntil <= Date.now() || !(await this.ledger.use(metadata, digest, round.version, tool.name))) throw new ConfirmationDeclinedError(tool.name);
  }

  private claimOf(metadata: CommandMetadata, tool: RegisteredTool, input: unknown, digest: string, round: number): ConfirmationClaim {
    return {
      tenantId: metadata.tenantId, userId: metadata.userId, clientId: metadata.clientId, tool: tool.name, digest, round,
      summary: summaryOf(tool, input),
      expiresAt: Date.now() + this.settings.confirmationTtlSeconds * 1000,
    };
  }
}

/** The call in words for the person: the tool's title and its arguments, any secret-looking one masked, cut short. */
export function summaryOf(tool: RegisteredTool, input: unknown): string {
  const masked = JSON.stringify(input ?? {}, (key, value: unknown) => (key !== '' && SECRET_NAMES.test(key) ? '•••' : value));
  const text = `${tool.listing.title ?? tool.name} (${tool.name}) with ${masked}`;
  return text.length > SUMMARY_MAX ? `${text.slice(0, SUMMARY_MAX - 1)}…` : text;
}
