import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PLATFORM_TENANT, ValidationError } from '#core';
import { isTenantId } from '#auth';
import type { TenantMapping, UpstreamProvider } from './upstream-provider.js';

/** The environment's one provider: LEDGERLINE_OIDC_<NAME> for each field (see docs/configuration.md). */
export interface SingleProviderInput {
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
  clientSecretFile?: string;
  label?: string;
  scopes?: string;
  userClaim?: string;
  tenant?: string;
  tenantClaim?: string;
  tenantDomains?: string;
}

export interface FederationConfigInput {
  single: SingleProviderInput;
  /** LEDGERLINE_OIDC_PROVIDERS_FILE: a JSON array of providers, each with an `id`. */
  providersFile?: string;
}

const ENV_NAMES: Readonly<Record<string, string>> = {
  issuer: 'LEDGERLINE_OIDC_ISSUER',
  clientId: 'LEDGERLINE_OIDC_CLIENT_ID',
  clientSecret: 'LEDGERLINE_OIDC_CLIENT_SECRET',
  clientSecretFile: 'LEDGERLINE_OIDC_CLIENT_SECRET_FILE',
  label: 'LEDGERLINE_OIDC_LABEL',
  scopes: 'LEDGERLINE_OIDC_SCOPES',
  userClaim: 'LEDGERLINE_OIDC_USER_CLAIM',
  tenant: 'LEDGERLINE_OIDC_TENANT',
  tenantClaim: 'LEDGERLINE_OIDC_TENANT_CLAIM',
  tenantDomains: 'LEDGERLINE_OIDC_TENANT_DOMAINS',
};
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

const claimName = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'a claim name (printable, no spaces)');
const tenantId = z.string().refine((value) => isTenantId(value) && value !== PLATFORM_TENANT, 'a tenant id (1-64 of A-Z a-z 0-9 . _ -), not the platform tenant');

const providerSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, '1-32 of a-z 0-9 -'),
    issuer: z.string().refine(isAllowedIssuer, 'an https URL without query or fragment (http only on loopback, for development)'),
    clientId: z.string().min(1).max(512),
    clientSecret: z.string().min(1).optional(),
    clientSecretFile: z.string().min(1).optional(),
    label: z.string().trim().min(1).max(100).default('Sign in with your organisation’s account'),
    scopes: z.string().regex(/^openid(?: [\x21-\x7e]+)*$/, 'space-separated scopes, openid first').default('openid email profile'),
    userClaim: claimName.default('sub'),
    tenant: tenantId.optional(),
    tenantClaim: claimName.optional(),
    tenantDomains: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  })
  .strict()
  .superRefine((raw, ctx) => {
    if ((raw.clientSecret === undefined) === (raw.clientSecretFile === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'set the client secret or the file holding it (one of them)' });
    }
    if (raw.tenant !== undefined && (raw.tenantClaim !== undefined || raw.tenantDomains !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['tenant'], message: 'a provider of one tenant maps no claims: drop the tenant claim and domains' });
    }
    if (raw.tenant === undefined && raw.tenantClaim === undefined && raw.tenantDomains === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tenant'], message: 'say which tenant people land in: a tenant, a tenant claim or email domains' });
    }
    if (raw.tenantDomains !== undefined) {
      for (const problem of domainProblems(raw.tenantDomains)) ctx.addIssue({ code: 'custom', path: ['tenantDomains'], message: problem });
    }
  });

type RawProvider = z.infer<typeof providerSchema>;

/**
 * The upstream OpenID Connect providers the sign-in page offers: none, the environment's one, or
 * the providers file's list (not both). Refuses a bad setting by name; secrets are read from their
 * files here, at start-up, and never appear in a message.
 */
export function federatedProvidersOf(input: FederationConfigInput): UpstreamProvider[] {
  const single = Object.values(input.single).some((value) => value !== undefined);
  if (single && input.providersFile !== undefined) {
    throw configError('LEDGERLINE_OIDC_PROVIDERS_FILE', 'set either LEDGERLINE_OIDC_PROVIDERS_FILE or the LEDGERLINE_OIDC_* variables of one provider, not both');
  }
  if (input.providersFile !== undefined) return fromFile(input.providersFile);
  if (!single) return [];
  const parsed = providerSchema.safeParse({ id: 'default', ...input.single });
  if (!parsed.success) throw invalid(parsed.error, (path) => ENV_NAMES[String(path[0])] ?? 'LEDGERLINE_OIDC_ISSUER');
  return [toProvider(parsed.data, (path) => ENV_NAMES[path]!)];
}

function fromFile(path: string): UpstreamProvider[] {
  const variable = 'LEDGERLINE_OIDC_PROVIDERS_FILE';
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw configError(variable, `cannot read ${path} as JSON (${(error as NodeJS.ErrnoException).code ?? 'syntax error'})`);
  }
  const parsed = z.array(providerSchema).min(1).max(50).safeParse(document);
  if (!parsed.success) throw invalid(parsed.error, (issuePath) => `${variable} ${issuePath.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('')}`);
  const ids = parsed.data.map((raw) => raw.id);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) throw configError(variable, `provider id ${repeated} appears twice`);
  return parsed.data.map((raw, index) => toProvider(raw, (field) => `${variable} [${index}].${field}`));
}

function toProvider(raw: RawProvider, nameOf: (field: string) => string): UpstreamProvider {
  return {
    id: raw.id,
    issuer: raw.issuer,
    clientId: raw.clientId,
    clientSecret: raw.clientSecret ?? readSecretFile(raw.clientSecretFile!, nameOf('clientSecretFile')),
    label: raw.label,
    scopes: raw.scopes,
    userClaim: raw.userClaim,
    tenantMapping: mappingOf(raw),
  };
}

function mappingOf(raw: RawProvider): TenantMapping {
  if (raw.tenant !== undefined) return { kind: 'fixed', tenant: raw.tenant };
  return { kind: 'claims', tenantClaim: raw.tenantClaim, tenantDomains: domainEntries(raw.tenantDomains ?? '') };
}

/** `example.com=acme,example.org=globex` (environment) or `{ "example.com": "acme" }` (file). */
function domainEntries(value: string | Record<string, string>): Map<string, string> {
  const pairs = typeof value === 'string'
    ? value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '').map((entry) => entry.split('=').map((part) => part.trim()))
    : Object.entries(value);
  return new Map(pairs.map(([domain, tenant]) => [String(domain).toLowerCase(), String(tenant)]));
}

function domainProblems(value: string | Record<string, string>): string[] {
  if (typeof value === 'string' && !/^\s*[^=,\s]+\s*=\s*[^=,\s]+\s*(?:,\s*[^=,\s]+\s*=\s*[^=,\s]+\s*)*$/.test(value)) {
    return ['<domain>=<tenant>, comma-separated, e.g. example.com=acme,example.org=globex'];
  }
  const entries = [...domainEntries(value)];
  if (entries.length === 0) return ['at least one <domain>=<tenant>'];
  return entries.flatMap(([domain, tenant]) => [
    ...(DOMAIN.test(domain) ? [] : [`${domain} is not a domain name`]),
    ...(isTenantId(tenant) && tenant !== PLATFORM_TENANT ? [] : [`${tenant} (for ${domain}) is not a tenant id`]),
  ]);
}

function isAllowedIssuer(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

function readSecretFile(path: string, variable: string): string {
  let secret: string;
  try {
    secret = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw configError(variable, `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (secret === '') throw configError(variable, `${path} is empty`);
  return secret;
}

function invalid(error: z.ZodError, nameOf: (path: readonly PropertyKey[]) => string): ValidationError {
  const problems = error.issues.map((issue) => `${nameOf(issue.path)}: ${issue.code === 'unrecognized_keys' ? `unknown ${issue.keys.join(', ')}` : issue.message}`);
  return new ValidationError('config.oidc', `invalid upstream sign-in configuration: ${problems.join('; ')}`, { problems });
}

function configError(variable: string, message: string): ValidationError {
  return new ValidationError('config.oidc', `${variable}: ${message}`, { problems: [`${variable}: ${message}`] });
}
