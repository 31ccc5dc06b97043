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
