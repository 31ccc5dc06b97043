import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_MAIN } from './platform-process.js';
import { freePort, waitForHttp } from './processes.js';

export interface TerminalProcess {
  url: string;
  dataDir: string;
  /** What the terminal showed, line ends as `\n`. */
  output: () => string;
  /** SIGTERM to the platform itself, then waits for the terminal session to end; once is enough. */
  stop(): Promise<void>;
}

/**
 * The built platform started as a person starts it, at a terminal: under a pseudo-terminal made by
 * util-linux `script`, so that its stdout is a TTY. stdout and stderr both reach the terminal.
 */
export async function startUnderTerminal(env: Record<string, string> = {}): Promise<TerminalProcess> {
  const scratch = mkdtempSync(join(tmpdir(), 'ledgerline-tty-'));
  const dataDir = env.LEDGERLINE_DATA_DIR ?? join(scratch, 'data');
  const pidFile = join(scratch, 'platform.pid');
  const port = await freePort();
  // The shell writes its pid, then becomes the platform: that pid is the platform's.
  const command = `echo $$ > ${pidFile}; exec ${process.execPath} ${PLATFORM_MAIN}`;
  const session = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { PATH: process.env.PATH, TERM: 'xterm-256color', LEDGERLINE_PORT: String(port), LEDGERLINE_DATA_DIR: dataDir, LEDGERLINE_SHUTDOWN_TIMEOUT_MS: '3000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  session.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString().replaceAll('\r\n', '\n')));
  session.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ended = new Promise<void>((resolve) => session.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/readyz`, 30_000);
  } catch (error) {
    session.kill('SIGKILL');
    throw new Error(`platform did not start at a terminal: ${(error as Error).message}\n${output}`);
  }
  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    session.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  };
  return { url, dataDir, output: () => output, stop: () => (stopped ??= stop()) };
}
