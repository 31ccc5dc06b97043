import { styleText } from 'node:util';
import type { LoggerService } from '@nestjs/common';
import { PRODUCT } from '#core';
import type { LoggingSettings } from '#observability';
import type { StartFacts } from './start-facts.js';

type Style = Parameters<typeof styleText>[0];

/** The start on a terminal (pretty logs): a dozen lines saying where everything is and how to get in. */
export function startBanner(facts: StartFacts, colors: boolean): string {
  const paint = (style: Style, text: string): string => (colors ? styleText(style, text, { validateStream: false }) : text);
  const row = (label: string, value: string): string => `  ${label.padEnd(9)} ${value}`;
  const lines = [
    `${paint('bold', `${PRODUCT.name} ${facts.version}`)} listening on ${facts.listening}`,
    row('MCP', paint('cyan', facts.urls.mcp)),
    row('console', paint('cyan', facts.urls.console)),
    row('API docs', paint('cyan', facts.urls.docs)),
    row('health', paint('cyan', facts.urls.healthz)),
    row('store', facts.store),
    row('bus', facts.bus),
    ...accessRows(facts, row, (command) => paint('bold', command)),
  ];
  return `\n${lines.join('\n')}\n\n`;
}

function accessRows(facts: StartFacts, row: (label: string, value: string) => string, command: (text: string) => string): string[] {
  const { access } = facts;
  switch (access.kind) {
    case 'local-accounts':
      return [
        ...(access.accounts === 0
          ? [row('users', 'none yet; create the first (its password is printed once) with:'), `            ${command(access.usersAdd)}`]
          : [row('sign in', `at ${facts.urls.console}, or from an MCP client given ${facts.urls.mcp} (${access.accounts} local account${access.accounts === 1 ? '' : 's'})`)]),
        row('tokens', `for scripts: ${command(access.token)}`),
      ];
    case 'dev-tokens':
      return [row('tokens', `dev issuer, no sign-in (LEDGERLINE_AUTH_SERVER=off): ${command(access.token)}`)];
    case 'external-issuer':
      return [row('sign in', `tokens from ${access.issuer}`)];
    default: {
      const unknown: never = access;
      return unknown;
    }
  }
}

/** The same facts as one structured line, for the JSON log. */
export function startLogLine(facts: StartFacts): Record<string, unknown> {
  return {
    msg: `${PRODUCT.name} ${facts.version} listening on ${facts.listening}: MCP ${facts.urls.mcp}, console ${facts.urls.console}, docs ${facts.urls.docs}`,
    version: facts.version,
    listening: facts.listening,
    urls: facts.urls,
    store: facts.store,
    bus: facts.bus,
    access: facts.access,
  };
}

/** Once the server listens: the banner on a terminal, else one log line (operators' collectors read JSON). */
export function announceStart(facts: StartFacts, logging: LoggingSettings, logger: LoggerService, out: NodeJS.WritableStream = process.stdout): void {
  if (logging.format === 'pretty') out.write(startBanner(facts, logging.colors));
  else logger.log(startLogLine(facts));
}
