import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForHttp } from './processes.js';

export const PLATFORM_MAIN = 'dist/apps/platform/src/main.js';
export const WORKER_MAIN = 'dist/apps/worker/src/main.js';

export interface PlatformProcess {
  url: string;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash or a pulled plug would: no shutdown hook runs. The data directory stays. */
  kill(): Promise<void>;
  /** Sends a signal and returns at once; `exited` says how the process ended. */
  signal(signal: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the built platform (or a worker: `main`) as a real process on a free port, with its own
 * data directory unless given. It must answer /readyz within `readyWithinMs`: the embedded platform
 * listens once its views have caught up with the log, which takes a while on a long one.
 */
export async function startPlatform(env: Record<string, string> = {}, main = PLATFORM_MAIN, { readyWithinMs = 30_000 } = {}): Promise<PlatformProcess> {
  const dataDir = env.LEDGERLINE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'ledgerline-system-'));
  const port = env.LEDGERLINE_PORT !== undefined ? Number(env.LEDGERLINE_PORT) : await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [main], {
    // Fixture servers listen on loopback: the operator opens it for connector calls (tests that check the refusal set it to '').
    // Confirmations of sensitive calls are off unless a spec asks (test/mcp-confirmations.system.spec.ts runs with the
    // defaults): the specs that publish automations or delete memory through MCP are about other things.
    env: { PATH: process.env.PATH, LEDGERLINE_PORT: String(port), LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_EGRESS_PRIVATE_NETWORKS: '127.0.0.1/32', LEDGERLINE_SHUTDOWN_TIMEOUT_MS: '3000', LEDGERLINE_MCP_CONFIRM_TOOLS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/readyz`, readyWithinMs);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`platform did not start: ${(error as Error).message}\n${output}`);
  }
  return {
    url,
    dataDir,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      child.kill('SIGKILL');
      if (!env.LEDGERLINE_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    signal(signal) {
      child.kill(signal);
    },
    exited,
  };
}
