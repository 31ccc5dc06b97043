import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { AUTH_SETTINGS, DEFAULT_DATA_DIR, defaultPublicUrl, type AuthSettings } from '#auth';
import { PRODUCT } from '#core';
import { eventStoreLocationOf } from '#event-store';
import { type IdentityStore } from '#identity';
import { IDENTITY_STORE } from '#identity/nest';
import { eventStoreSettingsOf, type PlatformConfig } from '../config/platform.config.js';
import { OPTIONAL_AUTHORIZATION_SERVER } from '../optional-authorization-server.js';
import { DEMO_TENANT } from './demo-tenant.js';

/** What a start tells whoever started it (the banner on a terminal) or the operator's log (one line). */
export interface StartFacts {
  version: string;
  /** The address the server is bound to. */
  listening: string;
  /** Public URLs (LEDGERLINE_PUBLIC_URL's origin). */
  urls: { mcp: string; console: string; docs: string; healthz: string };
  /** Where the events live; never a password. */
  store: string;
  /** What carries the runs and the views. */
  bus: string;
  access: StartAccess;
}

/** How people and scripts get in. The commands are those of docs/identity.md, with what this start set that a fresh shell would not. */
export type StartAccess =
  /** The built-in authorization server: `accounts` local accounts in every tenant (none yet: `usersAdd` makes the first). */
  | { kind: 'local-accounts'; accounts: number; usersAdd: string; token: string }
  /** The dev issuer with LEDGERLINE_AUTH_SERVER=off: tokens from the CLI only. */
  | { kind: 'dev-tokens'; token: string }
  | { kind: 'external-issuer'; issuer: string };

export async function startFactsOf(app: INestApplication, config: PlatformConfig): Promise<StartFacts> {
  const auth = app.get<AuthSettings>(AUTH_SETTINGS);
  const origin = new URL(auth.resourceUrl).origin;
  return {
    version: PRODUCT.version,
    listening: await app.getUrl(),
    urls: { mcp: auth.resourceUrl, console: `${origin}/console`, docs: `${origin}/docs`, healthz: `${origin}/healthz` },
    store: eventStoreLocationOf(eventStoreSettingsOf(config)),
    bus: busOf(config),
    access: await accessOf(app, config, auth, origin),
  };
}

function busOf(config: PlatformConfig): string {
  if (config.LEDGERLINE_ROLE === 'all') return 'in-process (this process carries the runs and applies the views)';
  return config.KAFKA_BROKERS
    ? `Kafka ${config.KAFKA_BROKERS}, topic ${config.LEDGERLINE_KAFKA_TOPIC} (worker processes carry the runs and apply the views)`
    : 'the log (worker processes carry the runs and apply the views)';
}

async function accessOf(app: INestApplication, config: PlatformConfig, auth: AuthSettings, origin: string): Promise<StartAccess> {
  if (auth.key.kind !== 'dev') return { kind: 'external-issuer', issuer: auth.issuer };
  // The CLI in another shell finds this installation by these; a fresh shell has the defaults.
  const dataDir = config.LEDGERLINE_DATA_DIR === DEFAULT_DATA_DIR ? [] : [`LEDGERLINE_DATA_DIR=${shellWord(resolve(config.LEDGERLINE_DATA_DIR))}`];
  const publicUrl = origin === defaultPublicUrl({}) ? [] : [`LEDGERLINE_PUBLIC_URL=${shellWord(origin)}`];
  const cli = (env: string[], args: string): string => [...env, `./run npm run -s cli -- ${args}`].join(' ');
  const token = cli([...dataDir, ...publicUrl], `token --tenant ${DEMO_TENANT} --user demo-user --scopes "memory:read memory:write"`);
  if (!app.get(OPTIONAL_AUTHORIZATION_SERVER, { strict: false })) return { kind: 'dev-tokens', token };
  const accounts = await app.get<IdentityStore>(IDENTITY_STORE, { strict: false }).accounts.count();
  // On PostgreSQL the CLI needs the server's DATABASE_URL, which holds a password: not printed.
  const usersAdd = cli(config.LEDGERLINE_EVENT_STORE === 'sqlite' ? dataDir : [], `users add <username> --tenant ${DEMO_TENANT}`);
  return { kind: 'local-accounts', accounts, usersAdd, token };
}

function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
