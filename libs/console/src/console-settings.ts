import type { ConsoleClient } from '#identity';

/** What the console is configured with: the platform's public origin and its client credentials. */
export interface ConsoleSettings {
  /** The platform's public origin (the authorization server's issuer). */
  issuer: string;
  /** Cookies marked Secure (and named `__Host-…`): true unless the public URL is plain http on loopback. */
  secureCookies: boolean;
  /** Every scope the console asks for; the person's consent decides what the session holds. */
  scopes: readonly string[];
  client: ConsoleClient;
}
