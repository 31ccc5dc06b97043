import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureMcpInspector } from '../../tools/mcp-inspector/ensure.mjs';
import { signInAndConsent, type PersonAtBrowser } from './oauth-flow.js';
import { freePort } from './processes.js';

export interface InspectorRun {
  /** The Inspector's JSON answer on stdout (`{ result }`), or undefined when it printed none. */
  output: { result?: unknown; error?: unknown } | undefined;
  exitCode: number | null;
  stderr: string;
  /** The authorization URL the Inspector asked the person to open. */
  authorizationUrl: URL | undefined;
  /** Where the authorization server sent the person back (the Inspector's loopback listener). */
  callback: URL | undefined;
}

/** The cached Inspector's launcher script (installed on first use; throws when npm fails, so the test fails). */
export function inspectorLauncher(): string {
  const { launcher, installMs } = ensureMcpInspector();
  if (installMs > 0) process.stderr.write(`the MCP Inspector was installed in ${(installMs / 1000).toFixed(1)} s\n`);
  return launcher;
}

/**
 * `mcp-inspector --cli <server> --transport http …` with no token: the Inspector runs OAuth
 * itself. It prints the authorization URL and waits on its loopback callback listener; the person
 * signs in and consents (headless), and the redirect is delivered to that listener as a browser
 * would. MCP_AUTO_OPEN_ENABLED makes it run OAuth without a TTY; BROWSER=true makes its "open a
 * browser" step a no-op; its secrets stay in memory and its files in a throw-away HOME.
 */
export async function runInspectorWithOAuth(launcher: string, server: string, args: string[], person: PersonAtBrowser): Promise<InspectorRun> {
  const callbackUrl = `http://127.0.0.1:${await freePort()}/oauth/callback`;
  const home = mkdtempSync(join(tmpdir(), 'ledgerline-inspector-'));
  const child = spawn(process.execPath, [launcher, '--cli', server, '--transport', 'http', '--format', 'json', '--callback-url', callbackUrl, ...args], {
    env: { PATH: process.env.PATH, HOME: home, MCP_AUTO_OPEN_ENABLED: 'true', BROWSER: 'true', MCP_INSPECTOR_SECRET_STORE: 'memory', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let authorizationUrl: URL | undefined;
  let person$: Promise<URL | undefined> = Promise.resolve(undefined);
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const asked = /Please navigate to: (\S+)/.exec(stderr);
    if (asked && !authorizationUrl) {
      authorizationUrl = new URL(asked[1]!);
      person$ = signInAndConsent(asked[1]!, callbackUrl, person).then(async (callback) => {
        (await fetch(callback)).body?.cancel();
        return callback;
      });
      // Awaited after the Inspector exits; handled now so a failure is no unhandled rejection meanwhile.
      person$.catch(() => undefined);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  clearTimeout(timer);
  rmSync(home, { recursive: true, force: true });
  const callback = await person$;
  let output: InspectorRun['output'];
  try {
    output = JSON.parse(stdout) as InspectorRun['output'];
  } catch {
    output = undefined;
  }
  return { output, exitCode, stderr, authorizationUrl, callback };
}
