import { randomUUID } from 'node:crypto';
import { All, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AUTH_SETTINGS, authChallenge, BearerAuthGuard, InsufficientScopeError, OriginGuard, principalOf, type AuthSettings } from '#auth';
import type { CommandMetadata } from '#core';
import { McpEndpoint } from './mcp-endpoint.js';
import { ToolRegistry } from './tool-registry.js';

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * POST /mcp: the Streamable HTTP endpoint, stateless (no sessions, JSON responses). The caller is
 * the verified token's Principal; a tools/call for a tool whose scope the token lacks gets the
 * HTTP 403 scope challenge of the MCP authorization spec before any tool code runs.
 */
@Controller('mcp')
export class McpController {
  constructor(
    private readonly endpoint: McpEndpoint,
    private readonly registry: ToolRegistry,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {}

  @Post()
  @UseGuards(OriginGuard, BearerAuthGuard)
  async post(@Req() req: Request, @Res() res: Response): Promise<void> {
    const principal = principalOf(req)!;
    const missing = this.missingScopes(req.body, principal.scopes);
    if (missing.length > 0) {
      const challenge = authChallenge(new InsufficientScopeError(missing), this.settings.resourceMetadataUrl);
      res.status(challenge.status).set('WWW-Authenticate', challenge.wwwAuthenticate).json(challenge.body);
      return;
    }
    const requestId = req.get('x-request-id');
    const idempotencyKey = req.get('idempotency-key');
    const metadata: CommandMetadata = {
      tenantId: principal.tenantId,
      userId: principal.userId,
      clientId: principal.clientId,
      scopes: principal.scopes,
      correlationId: requestId !== undefined && REQUEST_ID.test(requestId) ? requestId : randomUUID(),
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    };
    await this.endpoint.handle(req, res, metadata);
  }

  /** Stateless: no SSE stream to resume (GET) and no session to end (DELETE). */
  @All()
  @HttpCode(405)
  other(@Res({ passthrough: true }) res: Response): { error: string } {
    res.set('Allow', 'POST');
    return { error: 'this MCP endpoint is stateless: use POST' };
  }

  private missingScopes(body: unknown, scopes: readonly string[]): string[] {
    const messages = Array.isArray(body) ? body : [body];
    const missing = new Set<string>();
    for (const message of messages) {
      if (typeof message !== 'object' || message === null) continue;
      const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
      if (method !== 'tools/call' || typeof params?.name !== 'string') continue;
      const scope = this.registry.get(params.name)?.definition.scope;
      if (scope !== undefined && !scopes.includes(scope)) missing.add(scope);
    }
    return [...missing];
  }
}
