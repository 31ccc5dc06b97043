import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * A lib's `#name` entry (libs/<name>/src/index.ts) is framework-free: NestJS, rxjs, swagger,
 * kafkajs, the OpenTelemetry SDK and the other packages below live behind `#name/nest`. The CLI
 * imports only light entries, so a command starts in a fraction of the time and memory the Nest
 * graph costs (about 2,000 modules, 1 s and 120 MB for any one index before the split).
 * This loads the built entries (dist/, compiled by `npm run test:all` before Jest) in one child
 * process, with a resolve hook that notes every heavy package and who imported it.
 */
const HEAVY = /^(@nestjs\/|rxjs$|es-toolkit$|kafkajs$|@opentelemetry\/(sdk-|exporter-|otlp-|resources$|instrumentation)|oidc-provider$|@modelcontextprotocol\/|class-validator$|class-transformer$|prom-client$|pino|nestjs-pino$|express$)/;

const PROBE = `
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';
const heavy = new RegExp(process.env.HEAVY);
const packageOf = (url) => /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url ?? '')?.[1];
const seen = {};
let entry;
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    const pkg = packageOf(resolved.url);
    const from = packageOf(context.parentURL);
    if (pkg && heavy.test(pkg) && !(from && heavy.test(from))) (seen[entry] ??= []).push(pkg + ' <- ' + (from ?? context.parentURL.replace(pathToFileURL(process.cwd()).href + '/', '')));
    return resolved;
  },
});
for (const path of JSON.parse(process.env.ENTRIES)) {
  entry = path;
  await import(pathToFileURL(path).href);
}
process.stdout.write(JSON.stringify(seen));
`;

/** The heavy packages each entry loads (by the first own or light module that imports them); entries are loaded in order, in one process. */
function heavyImports(entries: readonly string[]): Record<string, string[]> {
  const out = execFileSync(process.execPath, ['--input-type=module', '--eval', PROBE], { env: { ...process.env, HEAVY: HEAVY.source, ENTRIES: JSON.stringify(entries) }, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out) as Record<string, string[]>;
}

const distOf = (source: string): string => join('dist', source.replace(/\.ts$/, '.js'));
const LIB_INDEXES = readdirSync('libs').map((lib) => `libs/${lib}/src/index.ts`).filter((path) => existsSync(path)).map(distOf);
const CLI_COMMANDS = readdirSync('apps/cli/src/commands').filter((file) => file.endsWith('.command.ts')).map((file) => distOf(`apps/cli/src/commands/${file}`));

describe('light entries: what the CLI and a lib\'s #name load', () => {
  it('finds every lib and every CLI command built', () => {
    expect(LIB_INDEXES.length).toBeGreaterThanOrEqual(17);
    expect(CLI_COMMANDS).toEqual(expect.arrayContaining(['dist/apps/cli/src/commands/export.command.js', 'dist/apps/cli/src/commands/verify.command.js']));
    expect([...LIB_INDEXES, ...CLI_COMMANDS].filter((path) => !existsSync(path))).toEqual([]);
  });

  it('loads no Nest, rxjs, kafkajs, swagger, OpenTelemetry SDK, oidc-provider, MCP SDK, prom-client, pino or express from any lib index or CLI command', () => {
    expect(heavyImports([...LIB_INDEXES, ...CLI_COMMANDS])).toEqual({});
  });

  it('would notice one: a #name/nest entry loads Nest', () => {
    const seen = heavyImports(['dist/libs/event-store/src/nest.js']);
    expect(seen['dist/libs/event-store/src/nest.js']).toEqual(expect.arrayContaining(['@nestjs/common <- dist/libs/event-store/src/event-store.module.js']));
  });
});
