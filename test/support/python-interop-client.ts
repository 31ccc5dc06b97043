import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ScenarioInput } from './interop-clients.js';

/** tools/mcp-interop-client/interop_client.py: the Python SDK's side of the interop scenario (it runs in the venv of tools/mcp-oauth-client). */
export const INTEROP_CLIENT_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tools', 'mcp-interop-client', 'interop_client.py');

/** One part of the scenario, in one of the SDK's two connect modes. */
export type PythonInteropRun = ScenarioInput & { mode: 'auto' | 'legacy'; part: 'basic' | 'tasks' | 'confirm' };

/** What the script prints on its last line besides the part's own fields. */
interface ScriptReport {
  sdk: { mcp: string; httpx2: string };
  error?: { raised: string; traceback: string };
}

type Line = { ask: 'confirm-by-url'; url: string; elicitationId: string | null } | { report: ScriptReport };

const RUN_TIMEOUT_MS = 60_000;

/**
 * Runs one part of the scenario through the Python SDK and resolves with its report. The token
 * goes on stdin (never on a command line other processes can read); a URL elicitation is handed
 * to `run.confirmByUrl` and the script told the outcome. Rejects, with the script's traceback and
 * stderr, when the script raised or printed no report.
 */
export function runPythonInteropClient<T>(python: string, run: PythonInteropRun): Promise<T> {
  const args = ['-B', INTEROP_CLIENT_SCRIPT, '--server', run.url, '--mode', run.mode, '--part', run.part, '--key', run.key, '--value', JSON.stringify(run.value),
    '--idempotency-key', run.idempotencyKey, '--automation', run.automation, '--arguments', JSON.stringify(run.arguments)];
  const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.write(`${run.token}\n`);
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  let report: ScriptReport | undefined;
  const lines: Promise<void>[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as Line;
    if ('report' in line) report = line.report;
    else lines.push(answer(run, line.url).then((reply) => void child.stdin.write(`${JSON.stringify(reply)}\n`)));
  });
  return new Promise<T>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      child.stdin.destroy();
      void Promise.all(lines).then(() => {
        if (!report) return reject(new Error(`interop_client.py (${run.mode}, ${run.part}) exited ${exitCode} without a report:\n${stderr}`));
        if (report.error || exitCode !== 0) {
          return reject(new Error(`interop_client.py (${run.mode}, ${run.part}) exited ${exitCode}: ${report.error?.raised}\n${report.error?.traceback ?? ''}${stderr}`));
        }
        resolve(report as T);
      });
    });
  });
}

async function answer(run: PythonInteropRun, url: string): Promise<{ confirmed: true } | { abort: string }> {
  try {
    await run.confirmByUrl(url);
    return { confirmed: true };
  } catch (error) {
    return { abort: error instanceof Error ? error.message : String(error) };
  }
}
