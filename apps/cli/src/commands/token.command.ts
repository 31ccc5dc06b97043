import { ForbiddenError } from '#core';
import { AUTH_ENV, authConfigInputFromEnv, DEFAULT_DATA_DIR, DEFAULT_TOKEN_TTL_SECONDS, defaultPublicUrl, DevIssuer, parseAuthConfig } from '#auth';
import { Command, InvalidArgumentError } from 'commander';
import type { CliIo } from '../cli-io.js';

export const DEFAULT_CLI_CLIENT_ID = 'ledgerline-cli';

interface TokenOptions {
  tenant: string;
  user: string;
  scopes: string;
  client: string;
  ttl: number;
  dataDir: string;
  publicUrl: string;
  json?: boolean;
}

/** `ledgerline token`: mints a bearer token with the built-in dev issuer (embedded mode only). */
export function tokenCommand(io: CliIo): Command {
  return new Command('token')
    .description('mint a bearer token for the MCP endpoint with the built-in dev issuer')
    .requiredOption('--tenant <id>', 'tenant the token acts in')
    .requiredOption('--user <id>', 'user (sub) the token acts for')
    .option('--scopes <scopes>', 'space-separated scopes, e.g. "memory:read memory:write"', '')
    .option('--client <id>', 'client id recorded in the token', DEFAULT_CLI_CLIENT_ID)
    .option('--ttl <seconds>', 'lifetime in seconds', parseSeconds, DEFAULT_TOKEN_TTL_SECONDS)
    .option('--data-dir <dir>', 'data directory holding the dev issuer key (env LEDGERLINE_DATA_DIR)', io.env.LEDGERLINE_DATA_DIR?.trim() || DEFAULT_DATA_DIR)
    .option('--public-url <url>', `base URL of the platform (env ${AUTH_ENV.publicUrl})`, defaultPublicUrl(io.env))
    .option('--json', 'print JSON with the token and its expiry')
    .action((options: TokenOptions) => mintToken(options, io));
}

function mintToken(options: TokenOptions, io: CliIo): void {
  if (io.env[AUTH_ENV.issuer]?.trim()) {
    throw new ForbiddenError(
      'cli.token.external_issuer',
      `${AUTH_ENV.issuer} is set, so the platform accepts that issuer's tokens only and the dev issuer is off: get a token from your issuer`,
    );
  }
  const config = parseAuthConfig(authConfigInputFromEnv(io.env, { publicUrl: options.publicUrl, dataDir: options.dataDir }));
  const issuer = DevIssuer.openOrCreate(options.dataDir, { issuer: config.issuer, audience: config.resourceUrl });
  if (issuer.isNew) io.stderr.write(`created the dev issuer key ${issuer.keyFile}\n`);
  const minted = issuer.issue({
    tenantId: options.tenant,
    userId: options.user,
    clientId: options.client,
    scopes: options.scopes.split(/\s+/).filter((scope) => scope !== ''),
    ttlSeconds: options.ttl,
  });
  if (options.json) {
    const output = { token: minted.token, tokenType: 'Bearer', expiresAt: minted.expiresAt.toISOString(), expiresIn: options.ttl, issuer: issuer.issuer, audience: issuer.audience };
    io.stdout.write(`${JSON.stringify(output)}\n`);
  } else {
    io.stdout.write(`${minted.token}\n`);
  }
}

function parseSeconds(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('expected a whole number of seconds');
  return Number(value);
}
