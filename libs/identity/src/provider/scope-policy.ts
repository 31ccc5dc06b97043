/** How long a scope may be delegated for: the access token's and the grant's (refresh) lifetime ceilings, in seconds. */
export interface ScopeLifetime {
  accessTokenSeconds: number;
  grantSeconds: number;
}

export interface ScopePolicy {
  /** Human description shown on the consent page. */
  describe(scope: string): string;
  /** Sensitive scopes need a fresh sign-in and are never remembered. */
  isSensitive(scope: string): boolean;
  lifetimeOf(scope: string): ScopeLifetime;
  /** A token's lifetimes: the minimum over its scopes (the read class for none). */
  lifetimeOfAll(scopes: readonly string[]): ScopeLifetime;
}

export const READ_LIFETIME: ScopeLifetime = { accessTokenSeconds: 3600, grantSeconds: 30 * 86_400 };
export const WRITE_LIFETIME: ScopeLifetime = { accessTokenSeconds: 900, grantSeconds: 7 * 86_400 };
export const SENSITIVE_LIFETIME: ScopeLifetime = { accessTokenSeconds: 300, grantSeconds: 86_400 };

/** Defaults of LEDGERLINE_SENSITIVE_SCOPES; a trailing `*` matches a prefix. */
export const DEFAULT_SENSITIVE_SCOPES = [
  'platform:admin', 'connectors:admin', 'compliance:purge', 'compliance:admin', 'automations:admin', 'memory:admin', 'runs:admin', 'automation:*',
  'grants:admin', 'clients:admin', 'policies:admin', 'groups:admin',
];

const DESCRIPTIONS: Record<string, string> = {
  'memory:read': 'Read your agent memory',
  'memory:write': 'Write and delete your agent memory',
  'memory:tenant': "Read and write your organisation's shared agent memory",
  'memory:admin': "Set memory retention for your organisation",
  'audit:read': "Read your organisation's audit trail",
  'platform:admin': 'Operate the platform: create, suspend and resume tenants, redrive dead letters',
  'connectors:admin': "Register and change your organisation's connectors and their secrets",
  'connectors:read': "See your organisation's connectors and their health",
  'automations:admin': "Publish your organisation's automations",
  'runs:read': 'See automation runs',
  'runs:cancel': 'Cancel automation runs you started',
  'runs:admin': "Cancel any of your organisation's runs and redrive failed ones",
  'approvals:decide': 'Approve or deny parked automation steps',
  'compliance:export': "Download a signed export of your organisation's data",
  'compliance:purge': 'Purge personal data on request (cannot be undone)',
  'compliance:admin': 'Set event retention and archive closed streams',
  'grants:manage': 'See and revoke the access you have given to applications',
  'grants:admin': "See and revoke every access given to applications in your organisation, disable applications for it, and decide whether applications that cannot ask you to confirm may make sensitive calls",
  'policies:admin': "Publish, enforce and remove your organisation's policies over what agents may call",
  'policies:read': "See your organisation's policies and what they decided",
  'groups:admin': "Choose who is in your organisation's approver groups, and so who may decide the approvals offered to them",
  'groups:read': "See your organisation's approver groups and their members",
  'clients:admin': "Register your organisation's own applications and service accounts (their credentials are shown once)",
};

export interface ScopePolicyInput {
  sensitive: readonly string[];
  /** Per-scope overrides (exact scope names). */
  lifetimes: ReadonlyMap<string, ScopeLifetime>;
}

export function scopePolicy({ sensitive, lifetimes }: ScopePolicyInput): ScopePolicy {
  const matchesSensitive = (scope: string): boolean =>
    sensitive.some((pattern) => (pattern.endsWith('*') ? scope.startsWith(pattern.slice(0, -1)) : scope === pattern));
  const lifetimeOf = (scope: string): ScopeLifetime => {
    const configured = lifetimes.get(scope);
    if (configured) return configured;
    if (matchesSensitive(scope)) return SENSITIVE_LIFETIME;
    return scope.endsWith(':read') ? READ_LIFETIME : WRITE_LIFETIME;
  };
  return {
    describe(scope) {
      if (scope.startsWith('automation:')) return `Start the automation "${scope.slice('automation:'.length)}" for you`;
      return DESCRIPTIONS[scope] ?? scope;
    },
    isSensitive: matchesSensitive,
    lifetimeOf,
    lifetimeOfAll(scopes) {
      if (scopes.length === 0) return READ_LIFETIME;
      return scopes.map(lifetimeOf).reduce((a, b) => ({
        accessTokenSeconds: Math.min(a.accessTokenSeconds, b.accessTokenSeconds),
        grantSeconds: Math.min(a.grantSeconds, b.grantSeconds),
      }));
    },
  };
}

/** Every scope has a description (a unit test holds this against the platform's scope list). */
export function hasDescription(scope: string): boolean {
  return scope.startsWith('automation:') || scope in DESCRIPTIONS;
}
