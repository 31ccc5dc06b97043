import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { Logger } from '@nestjs/common';
import type { JWK } from 'jose';
import type { TenantAccess } from '#auth';
import type { EventStore } from '#event-store';
import type { SecretVault } from '#keys';
import { LocalAccounts } from './accounts/local-accounts.js';
import { ClientSecretSeal } from './clients/client-secret-seal.js';
import { consoleClient, consoleClientMetadata, type ConsoleClient } from './clients/console-client.js';
import { GrantJournal } from './grants/grant-journal.js';
import type { GrantRevocationReason } from './grants/grant.events.js';
import type { RevokedGrants } from './grants/revoked-grants.js';
import { grantSummaryOf, type GrantSummary } from './grants/grant-summary.js';
import { revocationSubject } from './grants/revocation-subjects.js';
import { interactionRouter } from './interactions/interaction-routes.js';
import type { FederatedSignIn } from './interactions/federated-sign-in.js';
import { upstreamCallbackRouter } from './interactions/upstream-callback-routes.js';
import { UpstreamSignIn } from './federation/upstream-sign-in.js';
import { accountIdOf, parseAccountId } from './provider/account-id.js';
import { AS_ROUTES, createProvider, INTERACTION_PATH, OIDC_SCOPES } from './provider/authorization-server.js';
import type { IdentitySettings } from './provider/identity.settings.js';
import { oidcAdapterClass } from './provider/oidc-adapter.js';
import { SigningKeys } from './provider/signing-keys.js';
import type { ArtifactPosition, IdentityStore } from './store/identity-store.port.js';

/** Token-bearing models a revoked grant takes with it. */
const GRANT_MODELS = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'Grant'];
const PRUNE_MS = 15 * 60_000;
const KEY_REFRESH_MS = 60_000;
/** Which protocol endpoint a request came in at, for the adapter's grant-revocation hook. */
const protocolRoute = new AsyncLocalStorage<string>();
const METADATA_PATHS = new Set(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']);

export interface GrantQuery {
  userId?: string;
  clientId?: string;
  limit: number;
  /** The position of the previous page's last grant. */
  after?: ArtifactPosition;
}

export interface GrantPage {
  grants: GrantSummary[];
  /** Where the next page starts; undefined on the last page. */
  next: ArtifactPosition | undefined;
}

export interface RevokeContext {
  /** Who revoked it (user id), for GrantRevoked. */
  by: string;
  reason: GrantRevocationReason;
  tool: string;
  correlationId?: string;
}

/**
 * The platform's OAuth 2.1 authorization server: oidc-provider over the identity store, the
 * sign-in and consent pages, and the delegation trail (grants as events). The MCP endpoint stays a
 * resource server; it learns about this one only through the public keys and the revocation feed.
 */
export class AuthorizationServer {
  readonly journal: GrantJournal;
  readonly accounts: LocalAccounts;
  private readonly logger = new Logger('AuthorizationServer');
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly provider: Provider;
  private jwks: { keys: JWK[] };
  private readonly signingKey: JWK;
  private keyTimer: NodeJS.Timeout | undefined;
  private readonly csrfKey: string;
  /** The console's credentials as a client of this server. */
  readonly consoleClient: ConsoleClient;

  private constructor(
    private readonly settings: IdentitySettings,
    private readonly store: IdentityStore,
    private readonly revoked: RevokedGrants,
    events: EventStore,
    privateJwks: JWK[],
    cookieKeys: string[],
    private readonly tenantAccess: TenantAccess | undefined,
    private readonly federated: FederatedSignIn | undefined,
    clientSecrets: ClientSecretSeal,
  ) {
    // Secret and shared by every instance (it lives with the cookie keys), unlike the public kid.
    this.csrfKey = `csrf:${cookieKeys[0]!}`;
    this.consoleClient = consoleClient(settings.issuer, cookieKeys[0]!);
    this.journal = new GrantJournal(events);
    this.accounts = new LocalAccounts(store.accounts);
    this.jwks = SigningKeys.publicJwks(privateJwks);
    this.signingKey = privateJwks[0]!;
    const adapter = oidcAdapterClass({
      artifacts: store.artifacts,
      clientSecrets,
      onGrantDestroyed: (grantId, grant) => this.noteRevoked(grantId, grant),
      isClientDisabled: (clientId) => revoked.isClientDisabled(clientId),
    });
    this.provider = createProvider(settings, { privateJwks, cookieKeys }, {
      adapter,
      firstPartyClients: [consoleClientMetadata(this.consoleClient)],
      rememberedGrantId: async (accountId, clientId) => {
        const account = parseAccountId(accountId);
        if (!account) return undefined;
        const { grants } = await this.listGrants(account.tenantId, { userId: account.userId, clientId, limit: 20 });
        return grants.find((grant) => !this.revoked.isRevoked(revocationSubject.grant(grant.grantId)) && !grant.scopes.some((scope) => settings.scopePolicy.isSensitive(scope)))?.grantId;
      },
      accountIsActive: async (tenantId, userId) => {
        // A suspended tenant's grants stop refreshing (its access tokens are refused at /mcp already).
        const mayAct = await (this.tenantAccess?.assertMayAct(tenantId) ?? Promise.resolve()).then(() => true, () => false);
        if (!mayAct) return false;
        const account = await store.accounts.get(tenantId, userId);
        // Federated users have no local account; a local one that is disabled stops its grants' refresh.
        return !account?.disabled;
      },
    });
    this.listen();
  }

  static async create(deps: {
    settings: IdentitySettings;
    store: IdentityStore;
    vault: SecretVault;
    events: EventStore;
    revoked: RevokedGrants;
    tenantAccess?: TenantAccess;
    federated?: FederatedSignIn;
  }): Promise<AuthorizationServer> {
    const signingKeys = new SigningKeys(deps.store.secrets, deps.vault, deps.settings.keyRotationSeconds * 1000);
    const keys = await signingKeys.load();
    const federated = deps.federated ?? (deps.settings.upstreamProviders.length > 0
      ? new UpstreamSignIn({ providers: deps.settings.upstreamProviders, issuer: deps.settings.issuer, artifacts: deps.store.artifacts, accounts: deps.store.accounts, events: deps.events, tenantAccess: deps.tenantAccess })
      : undefined);
    const server = new AuthorizationServer(deps.settings, deps.store, deps.revoked, deps.events, keys.privateJwks, keys.cookieKeys, deps.tenantAccess, federated, new ClientSecretSeal(deps.vault));
    server.pruneTimer = setInterval(() => void deps.store.artifacts.prune(Date.now()).catch(() => undefined), PRUNE_MS);
    server.pruneTimer.unref();
    server.keyTimer = setInterval(() => void server.refreshPublicKeys(signingKeys), KEY_REFRESH_MS);
    server.keyTimer.unref();
    return server;
  }

  get issuer(): string {
    return this.settings.issuer;
  }

  /** Cookies are Secure unless the public URL is plain http on loopback. */
  get secureCookies(): boolean {
    return this.settings.secureCookies;
  }

  /** The resource's scopes, as metadata lists them. */
  get scopesSupported(): readonly string[] {
    return this.settings.scopesSupported;
  }

  /** The private key this instance signs with (access tokens and on-behalf-of assertions alike). */
  signingJwk(): JWK {
    return this.signingKey;
  }

  /** The public signing keys (RFC 7517), for the verifier and downstream systems. */
  publicJwks(): { keys: JWK[] } {
    return this.jwks;
  }

  /**
   * Mounts the protocol endpoints and the pages on the HTTP server, ahead of Nest's body parsers
   * (the library reads its own request bodies). Every other path goes on to Nest.
   */
  mount(app: Express): void {
    const callback = this.provider.callback();
    const routes = new Set<string>(Object.values(AS_ROUTES));
    app.use((req: Request, res: Response, next: NextFunction) => {
      const path = req.path;
      if (path === AS_ROUTES.jwks && req.method === 'GET') {
        // Every live key in the store, not only those this instance loaded at its start.
        res.setHeader('cache-control', 'public, max-age=60');
        res.type('application/jwk-set+json').send(JSON.stringify(this.jwks));
        return;
      }
      if (METADATA_PATHS.has(path)) {
        // RFC 8414 metadata and the OpenID discovery alias are one document.
        req.url = `/.well-known/openid-configuration${req.url.slice(req.path.length)}`;
        this.withScopesSupported(res);
      } else if (!routes.has(path) && !path.startsWith(`${AS_ROUTES.registration}/`) && !path.startsWith(`${AS_ROUTES.authorization}/`)) {
        // (`/authorize/<uid>` resumes a flow after sign-in and consent; `/register/<id>` is RFC 7592.)
        return next();
      }
      res.setHeader('x-frame-options', 'DENY');
      res.setHeader('content-security-policy', "frame-ancestors 'none'");
      res.setHeader('cache-control', 'no-store');
      // The path travels with the request into the adapter, where a grant's revocation learns why.
      void protocolRoute.run(path, () => callback(req, res));
    });
    if (this.federated) app.use(upstreamCallbackRouter({ provider: this.provider, federated: this.federated, journal: this.journal }));
    app.use(
      INTERACTION_PATH,
      interactionRouter({
        provider: this.provider,
        settings: this.settings,
        accounts: this.accounts,
        journal: this.journal,
        tenantAccess: this.tenantAccess,
        csrfKey: this.csrfKey,
        federated: this.federated,
        isClientBlockedIn: (tenantId, clientId) => this.revoked.isClientBlockedIn(tenantId, clientId),
      }),
    );
  }

  /**
   * The library lists only its OpenID scopes in `scopes_supported`; clients read the resource's
   * scopes from there too, so the metadata names them all.
   */
  private withScopesSupported(res: Response): void {
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => Response;
    const scopes = [...OIDC_SCOPES, ...this.settings.scopesSupported];
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if ((typeof chunk === 'string' || Buffer.isBuffer(chunk)) && res.statusCode === 200) {
        const document = JSON.parse(chunk.toString()) as Record<string, unknown>;
        const body = JSON.stringify({ ...document, scopes_supported: scopes });
        res.setHeader('content-length', Buffer.byteLength(body));
        return end(body, ...rest);
      }
      return end(chunk, ...rest);
    }) as Response['end'];
  }

  /** Grants of a tenant (of one of its users, to one client), newest first, a page at a time. */
  async listGrants(tenantId: string, query: GrantQuery): Promise<GrantPage> {
    const rows = await this.store.artifacts.listByModel('Grant', {
      ...(query.userId === undefined ? { accountPrefix: `${tenantId}:` } : { account: accountIdOf(tenantId, query.userId) }),
      ...(query.clientId !== undefined && { clientId: query.clientId }),
      limit: query.limit + 1,
      ...(query.after !== undefined && { after: query.after }),
    });
    const page = rows.slice(0, query.limit);
    const grants = page
      .map((row) => grantSummaryOf(row.id, row.payload, this.settings.resourceUrl))
      .filter((grant): grant is GrantSummary => grant?.tenantId === tenantId);
    const last = page.at(-1);
    return { grants, next: rows.length > query.limit && last ? { createdAt: last.createdAt, id: last.id } : undefined };
  }

  async findGrant(tenantId: string, grantId: string): Promise<GrantSummary | undefined> {
    const stored = await this.store.artifacts.find('Grant', grantId);
    const grant = stored && grantSummaryOf(grantId, stored.payload, this.settings.resourceUrl);
    return grant?.tenantId === tenantId ? grant : undefined;
  }

  /** Revokes a grant everywhere: its tokens stop at the next call on every instance (within a second), its refresh at once. */
  async revokeGrant(grant: GrantSummary, context: RevokeContext): Promise<void> {
    await this.revoked.revoke(revocationSubject.grant(grant.grantId), grant.tenantId);
    for (const model of GRANT_MODELS) await this.store.artifacts.revokeByGrantId(model, grant.grantId);
    await this.store.artifacts.destroy('Grant', grant.grantId);
    await this.journal.record(
      { tenantId: grant.tenantId, userId: context.by, clientId: grant.clientId, grantId: grant.grantId, tool: context.tool, correlationId: context.correlationId },
      { type: 'GrantRevoked', data: { grantId: grant.grantId, clientId: grant.clientId, userId: grant.userId, revokedBy: context.by, reason: context.reason } },
    );
  }

  close(): void {
    clearInterval(this.pruneTimer);
    clearInterval(this.keyTimer);
  }

  /** Keys another instance added (it rotated at its start) verify here within a minute, before they sign anything. */
  private async refreshPublicKeys(signingKeys: SigningKeys): Promise<void> {
    try {
      const fresh = await signingKeys.publicKeys();
      const kids = (set: { keys: JWK[] }): string => set.keys.map((key) => key.kid).sort().join(' ');
      if (kids(fresh) !== kids(this.jwks)) this.jwks = fresh;
    } catch (error) {
      this.logger.warn(`signing keys: ${(error as Error).message}`);
    }
  }

  /**
   * The library revoked a grant: a rotated refresh token came back (at /token) or its client
   * revoked it (RFC 7009, at /revoke). It is stopped everywhere and its trail written before the
   * grant row goes, inside the request, so the answer is sent only once both hold.
   */
  private async noteRevoked(grantId: string, payload: Record<string, unknown> | undefined): Promise<void> {
    const grant = payload && grantSummaryOf(grantId, payload, this.settings.resourceUrl);
    if (!grant) return;
    await this.revoked.revoke(revocationSubject.grant(grantId), grant.tenantId);
    const reused = protocolRoute.getStore() === AS_ROUTES.token;
    const context = { tenantId: grant.tenantId, userId: grant.userId, clientId: grant.clientId, grantId, tool: `oauth:${reused ? 'token' : 'revoke'}` };
    if (reused) await this.journal.record(context, { type: 'RefreshTokenReused', data: { grantId, clientId: grant.clientId } });
    await this.journal.record(context, {
      type: 'GrantRevoked',
      data: { grantId, clientId: grant.clientId, userId: grant.userId, revokedBy: reused ? 'ledgerline' : grant.clientId, reason: reused ? 'refresh_token_reused' : 'revoked_by_client' },
    });
  }

  private listen(): void {
    this.provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
      const grantId = ctx.oidc.entities.Grant?.jti;
      const account = ctx.oidc.entities.Account ? parseAccountId(ctx.oidc.entities.Account.accountId) : undefined;
      if (ctx.oidc.params?.grant_type !== 'refresh_token' || !grantId || !account) return;
      const clientId = ctx.oidc.client?.clientId ?? 'unknown';
      void this.journal
        .record({ tenantId: account.tenantId, userId: account.userId, clientId, grantId, tool: 'oauth:token' }, { type: 'GrantRefreshed', data: { grantId, clientId } })
        .catch((error: unknown) => this.logger.error(`grant journal: ${(error as Error).message}`));
    });
    this.provider.addListener('registration_create.success', (_ctx, client) => {
      void this.journal
        .recordPlatform({ clientId: client.clientId, tool: 'oauth:register' }, {
          type: 'ClientRegistered',
          data: { clientId: client.clientId, clientName: client.clientName ?? null, method: 'dynamic', redirectUris: [...(client.redirectUris ?? [])], grantTypes: [...(client.grantTypes ?? [])] },
        })
        .catch((error: unknown) => this.logger.error(`client journal: ${(error as Error).message}`));
    });
    this.provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => this.logger.error(`authorization server error ${randomUUID()}: ${error.message}`));
  }
}
