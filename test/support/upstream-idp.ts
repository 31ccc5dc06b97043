import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

/** The company's people as its identity provider knows them: login name → the claims it asserts. */
export type UpstreamUsers = Record<string, { email: string; email_verified: boolean; ledgerline_tenant?: string; preferred_username?: string }>;

export interface UpstreamClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface UpstreamIdp {
  /** The issuer: http://127.0.0.1:<port> */
  issuer: string;
  /** Every token its token endpoint handed out (ID, access), to look for where they must never be. */
  readonly issuedTokens: string[];
  /** The query of every authorization request it received. */
  readonly authorizationRequests: URLSearchParams[];
  /** When set, ID tokens from the token endpoint are re-signed with the provider's own key after this change (a provider issuing for another audience, say). */
  tamperIdToken: ((payload: Record<string, unknown>) => Record<string, unknown>) | undefined;
  stop(): Promise<void>;
}

/**
 * "The company's identity provider" for system tests: a second, real oidc-provider on loopback with
 * static confidential clients (the platform), RS256 ID tokens carrying email, email_verified and a
 * tenant claim, and its own tiny sign-in page (a login name, no script) that a headless browser
 * fills in. Consent is implied for its clients, as a company's own applications usually are.
 */
export async function startUpstreamIdp(users: UpstreamUsers, clients: readonly UpstreamClient[]): Promise<UpstreamIdp> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: 'upstream-1', alg: 'RS256', use: 'sig' };
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const scopes = 'openid email profile ledgerline';
  const configuration: Configuration = {
    clients: clients.map((client) => ({ client_id: client.clientId, client_secret: client.clientSecret, redirect_uris: [client.redirectUri], grant_types: ['authorization_code'], response_types: ['code'] })),
    jwks: { keys: [jwk as NonNullable<Configuration['jwks']>['keys'][number]] },
    cookies: { keys: ['upstream-idp-test-cookie-key'] },
    scopes: scopes.split(' '),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username'], ledgerline: ['ledgerline_tenant'] },
    // The claims of the granted scopes go into the ID token, as Keycloak, Okta and Entra put them there.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    interactions: { url: (_ctx, interaction) => `/login/${interaction.uid}` },
    findAccount: (_ctx, sub) => (users[sub] ? { accountId: sub, claims: async () => ({ sub, ...users[sub] }) } : undefined),
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session } = ctx.oidc;
      const existing = ctx.oidc.result?.consent?.grantId ?? session?.grantIdFor(client!.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: client!.clientId, accountId: session!.accountId! });
      grant.addOIDCScope(scopes);
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  const idp: UpstreamIdp = {
    issuer,
    issuedTokens: [],
    authorizationRequests: [],
    tamperIdToken: undefined,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0]!;
    const uid = /^\/login\/([^/]+)$/.exec(path)?.[1];
    if (uid) return void signInPage(provider, req, res, users).catch((error: unknown) => res.writeHead(500).end(String(error)));
    if (path === '/token') interceptTokens(res, idp, privateKey, jwk.kid!);
    if (path === '/auth') idp.authorizationRequests.push(new URL(req.url!, issuer).searchParams);
    void callback(req, res);
  });
  return idp;
}

async function signInPage(provider: Provider, req: IncomingMessage, res: ServerResponse, users: UpstreamUsers): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'POST') {
    const login = new URLSearchParams(await bodyOf(req)).get('login') ?? '';
    if (users[login]) return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }
  res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Acme SSO</title><h1>Acme SSO</h1>
<form method="post" action="/login/${details.uid}"><input type="hidden" name="uid" value="${details.uid}"><input name="login"><button>Sign in</button></form>`);
}

/** Records the token endpoint's answers and, when asked, re-signs the ID token in them. */
function interceptTokens(res: ServerResponse, idp: UpstreamIdp, key: Parameters<SignJWT['sign']>[0], kid: string): void {
  const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if ((typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) || res.statusCode !== 200) return end(chunk, ...rest);
    const answer = JSON.parse(chunk.toString()) as Record<string, unknown>;
    for (const name of ['id_token', 'access_token', 'refresh_token']) if (typeof answer[name] === 'string') idp.issuedTokens.push(answer[name]);
    const tamper = idp.tamperIdToken;
    if (!tamper || typeof answer.id_token !== 'string') return end(chunk, ...rest);
    void (async () => {
      const payload = tamper(JSON.parse(Buffer.from(answer.id_token!.toString().split('.')[1]!, 'base64url').toString()) as Record<string, unknown>);
      answer.id_token = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
      idp.issuedTokens.push(String(answer.id_token));
      const body = JSON.stringify(answer);
      res.setHeader('content-length', Buffer.byteLength(body));
      end(body);
    })();
    return res;
  }) as ServerResponse['end'];
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
