import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AUTH_SETTINGS, authChallenge, callerMetadata, FORBIDDEN_ORIGIN_BODY, InsufficientScopeError, originPolicy, TokenVerifier, UnauthenticatedError, type AuthSettings, type Principal } from '#auth';
import { logContext } from '#observability/nest';
import { McpEndpoint } from './mcp-endpoint.js';
import { ToolRegistry } from './tool-registry.js';

/**
 * /mcp: the Streamable HTTP endpoint, stateless (no sessions, JSON responses), served as
 * middleware ahead of Nest's router: it is the hot path, and it needs none of the controller
 * machinery. The checks are the MCP authorization spec's, in order: Origin (403), bearer token
 * (401, the same TokenVerifier as the guards), then for a tools/call the tool's scope
 * (403 insufficient_scope) before any tool code runs.
 */
@Injectable()
export class McpMiddleware implements NestMiddleware {
  private readonly allowsOrigin: (origin: string | undefined) => boolean;

  constructor(
    private readonly endpoint: McpEndpoint,
    private readonly registry: ToolRegistry,
    private readonly verifier: TokenVerifier,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {
    this.allowsOrigin = originPolicy(settings);
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      if (req.method !== 'POST') {
        res.status(405).set('Allow', 'POST').json({ error: 'this MCP endpoint is stateless: use POST' });
        return;
      }
      if (!this.allowsOrigin(req.headers.origin)) {
        res.status(403).json(FORBIDDEN_ORIGIN_BODY);
        return;
      }
      let principal: Principal;
      try {
        principal = await this.verifier.verify(req.headers.authorization);
      } catch (error) {
        if (!(error instanceof UnauthenticatedError)) throw error;
        return this.challenge(res, error);
      }
      Object.assign(logContext(req), { tenant: principal.tenantId, user: principal.userId, client: principal.clientId });
      const invalid = invalidToolCall(req.body);
      if (invalid) {
        res.status(200).json(invalid);
        return;
      }
      const missing = await this.missingScopes(req.body, principal);
      if (missing.length > 0) return this.challenge(res, new InsufficientScopeError(missing));
      await this.endpoint.handle(req, res, callerMetadata(principal, req));
    } catch (error) {
      next(error);
    }
  }

  private challenge(res: Response, error: UnauthenticatedError | InsufficientScopeError): void {
    const challenge = authChallenge(error, this.settings.resourceMetadataUrl);
    res.status(challenge.status).set('WWW-Authenticate', challenge.wwwAuthenticate).json(challenge.body);
  }

  private async missingScopes(body: unknown, principal: Principal): Promise<string[]> {
    const messages = Array.isArray(body) ? body : [body];
    const missing = new Set<string>();
    for (const message of messages) {
      if (typeof message !== 'object' || message === null) continue;
      const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
      if (method !== 'tools/call' || typeof params?.name !== 'string') continue;
      const scope = (await this.registry.resolve(principal.tenantId, params.name))?.scope;
      if (scope !== undefined && !principal.scopes.includes(scope)) missing.add(scope);
    }
    return [...missing];
  }
}

/**
 * A tools/call whose params are not the shape the spec gives them (name a string, arguments an
 * object) is answered here with JSON-RPC's -32602 Invalid params: the SDK would refuse it too, but
 * as -32603, an internal error, which it is not.
 */
function invalidToolCall(body: unknown): { jsonrpc: '2.0'; id: unknown; error: { code: number; message: string } } | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { method, params, id } = body as { method?: unknown; params?: unknown; id?: unknown };
  if (method !== 'tools/call') return undefined;
  const shaped = typeof params === 'object' && params !== null && !Array.isArray(params);
  const { name, arguments: args } = (shaped ? params : {}) as { name?: unknown; arguments?: unknown };
  const problem = !shaped ? 'params must be an object'
    : typeof name !== 'string' ? 'params.name must be a string'
    : args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args)) ? 'params.arguments must be an object'
    : undefined;
  return problem === undefined ? undefined : { jsonrpc: '2.0', id: typeof id === 'string' || typeof id === 'number' ? id : null, error: { code: -32602, message: `Invalid params: ${problem}` } };
}
