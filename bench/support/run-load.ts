import { Agent, request } from 'node:http';
import type { EventStore } from '#event-store';

/** POSTs a body with keep-alive; resolves with the response text, rejects on a non-200 or a tool error. */
export function post(agent: Agent, url: URL, headers: Record<string, string>, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 && !text.includes('"isError":true') ? resolve(text) : reject(new Error(`${res.statusCode} ${text.slice(0, 300)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Runs `total` jobs from `concurrency` loops; rejects with the first job's failure. */
export async function drive(total: number, concurrency: number, job: (n: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false; // the first failure ends every loop: the bench stops there, it does not measure errors
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let n = next++; !failed && n < total; n = next++) {
      await job(n).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  }));
}

/**
 * A keep-alive socket idle this long is closed by the client, well before the server closes it
 * (LEDGERLINE_HTTP_KEEP_ALIVE_TIMEOUT_MS, 65 s). Without it node:http's Agent keeps idle sockets
 * for ever (it heeds the server's Keep-Alive: timeout=65 hint only under a timeout of its own), so
 * a socket left idle for a minute (a tenant's rarely needed extra connection) could be reused as
 * the server closes it: ECONNRESET, which a bench that stops at the first failed call must not
 * meet for a reason of its own client's making.
 */
const IDLE_SOCKET_MS = 10_000;

/** tools/call over raw keep-alive HTTP, as an agent with this token. */
export function mcpCaller(endpoint: string, token: string, maxSockets: number): { call(name: string, args: unknown): Promise<string>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets, timeout: IDLE_SOCKET_MS });
  const url = new URL(endpoint);
  const headers = { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', authorization: `Bearer ${token}` };
  return {
    call: (name, args) => post(agent, url, headers, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } })),
    close: () => agent.destroy(),
  };
}

/** The run id a start tool answered with. */
export function runIdOf(answer: string): string {
  return /"runId":"(run-[^"]+)"/.exec(answer)![1]!;
}

/** Follows the log from `after` until `count` runs completed; their RunCompleted times (the store's clock is this machine's). */
export async function waitForCompletions(store: EventStore, after: number, count: number, tenantId?: string): Promise<Map<string, number>> {
  const completed = new Map<string, number>();
  let position = after;
  const deadline = Date.now() + 300_000;
  while (completed.size < count) {
    if (Date.now() > deadline) throw new Error(`only ${completed.size} of ${count} runs completed`);
    const woken = store.waitForAppend(200);
    for await (const batch of store.readAll({ after: position, tenantId })) {
      for (const event of batch) {
        if (event.type === 'RunCompleted') completed.set(`${event.tenantId}/${event.streamId}`, Date.parse(event.recordedAt));
        if (event.type === 'RunFailed') throw new Error(`run ${event.streamId} failed: ${JSON.stringify(event.data)}`);
      }
      position = batch[batch.length - 1]!.globalPosition;
    }
    await woken;
  }
  return completed;
}
