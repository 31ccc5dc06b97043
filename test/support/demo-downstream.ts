import { spawn } from 'node:child_process';
import { freePort, waitForHttp } from './processes.js';

export interface DemoDownstream {
  /** http://127.0.0.1:<port> */
  url: string;
  /** What it printed: a line per call. */
  log(): string;
  stop(): Promise<void>;
}

/** deploy/demo/downstream.mjs (what `npm run demo:downstream` runs) on a free port, with `env` (DEMO_OBO_* turn assertion checks on). */
export async function startDemoDownstream(env: Record<string, string> = {}): Promise<DemoDownstream> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['deploy/demo/downstream.mjs', String(port)], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await waitForHttp(`${url}/ready`, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`the demo downstream did not start: ${(error as Error).message}\n${log}`);
  }
  return {
    url,
    log: () => log,
    async stop() {
      child.kill();
      await exited;
    },
  };
}
