import { describe, expect, it } from '@jest/globals';
import { startBanner, startLogLine } from './start-banner.js';
import type { StartAccess, StartFacts } from './start-facts.js';

const facts = (access: StartAccess): StartFacts => ({
  version: '0.1.0',
  listening: 'http://127.0.0.1:3000',
  urls: { mcp: 'http://127.0.0.1:3000/mcp', console: 'http://127.0.0.1:3000/console', docs: 'http://127.0.0.1:3000/docs', healthz: 'http://127.0.0.1:3000/healthz' },
  store: 'SQLite /srv/ledgerline/data/events.db',
  bus: 'in-process (this process carries the runs and applies the views)',
  access,
});
const USERS_ADD = './run npm run -s cli -- users add <username> --tenant demo';
const TOKEN = './run npm run -s cli -- token --tenant demo --user demo-user --scopes "memory:read memory:write"';
const ANSI = /\u001b\[/;

describe('the start banner', () => {
  it('says where everything is and how to create the first user, in under 15 lines', () => {
    const banner = startBanner(facts({ kind: 'local-accounts', accounts: 0, usersAdd: USERS_ADD, token: TOKEN }), false);
    const lines = banner.trim().split('\n');
    expect(lines.length).toBeLessThan(15);
    expect(lines[0]).toBe('Ledgerline 0.1.0 listening on http://127.0.0.1:3000');
    for (const url of ['/mcp', '/console', '/docs', '/healthz']) expect(banner).toContain(`http://127.0.0.1:3000${url}`);
    expect(banner).toContain('SQLite /srv/ledgerline/data/events.db');
    expect(banner).toContain(`\n            ${USERS_ADD}\n`);
    expect(banner).toContain(TOKEN);
    expect(banner).not.toMatch(ANSI);
  });

  it('says how to sign in once users exist', () => {
    const banner = startBanner(facts({ kind: 'local-accounts', accounts: 2, usersAdd: USERS_ADD, token: TOKEN }), false);
    expect(banner).toContain('sign in   at http://127.0.0.1:3000/console, or from an MCP client given http://127.0.0.1:3000/mcp (2 local accounts)');
    expect(banner).not.toContain('users add');
  });

  it('names the issuer when tokens come from elsewhere, and the dev tokens when sign-in is off', () => {
    expect(startBanner(facts({ kind: 'external-issuer', issuer: 'https://sso.example.com' }), false)).toContain('sign in   tokens from https://sso.example.com');
    expect(startBanner(facts({ kind: 'dev-tokens', token: TOKEN }), false)).toContain(`LEDGERLINE_AUTH_SERVER=off): ${TOKEN}`);
  });

  it('has colours only when asked, and the same text under them', () => {
    const access: StartAccess = { kind: 'local-accounts', accounts: 0, usersAdd: USERS_ADD, token: TOKEN };
    const coloured = startBanner(facts(access), true);
    expect(coloured).toMatch(ANSI);
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(startBanner(facts(access), false));
  });
});

describe('the start log line', () => {
  it('carries the same facts as fields, with the URLs in its message', () => {
    const line = startLogLine(facts({ kind: 'local-accounts', accounts: 0, usersAdd: USERS_ADD, token: TOKEN }));
    expect(line).toMatchObject({
      msg: 'Ledgerline 0.1.0 listening on http://127.0.0.1:3000: MCP http://127.0.0.1:3000/mcp, console http://127.0.0.1:3000/console, docs http://127.0.0.1:3000/docs',
      urls: { healthz: 'http://127.0.0.1:3000/healthz' },
      store: 'SQLite /srv/ledgerline/data/events.db',
      access: { kind: 'local-accounts', accounts: 0, usersAdd: USERS_ADD },
    });
  });
});
