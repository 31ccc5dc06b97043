import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export function log(message) {
  process.stderr.write(`[services] ${message}\n`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      if (String(error?.message).includes('exited')) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms: ${lastError?.message ?? lastError}`);
}

/**
 * Runs a command with inherited stdio, passing SIGINT and SIGTERM on to it; resolves with its exit
 * code (128 + 1 when a signal ended it, 127 when it could not start).
 */
export function runForwardingSignals([cmd, ...args], env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code);
    };
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 + 1 : 1)));
    child.on('error', (error) => {
      console.error(`[services] cannot run ${cmd}: ${error.message}`);
      done(127);
    });
  });
}
