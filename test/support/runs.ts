import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { callOk } from './mcp-session.js';

export interface RunView {
  runId: string;
  status: string;
  steps: Array<{ id: string; status: string; attempts: number; output: unknown }>;
  approval: { approvalId: string; status: string; decidedBy: string | null; reason: string | null } | null;
  lastError: { code: string; message: string } | null;
}

const FINAL = ['completed', 'failed', 'cancelled', 'timed_out'];

/** Polls run_get, as an agent would, until the run reaches one of `statuses` (default: any final one). */
export async function waitForRun(client: Client, runId: string, until: (run: RunView) => boolean = (run) => FINAL.includes(run.status), timeoutMs = 30_000): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await callOk<RunView>(client, 'run_get', { runId });
    if (until(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not get there within ${timeoutMs} ms: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
