import { spawn } from 'node:child_process';
import type { NoiseReport } from './noisy-agent.js';

export type { NoiseReport } from './noisy-agent.js';

/** The built noisy agent (npm run build): a tenant's agent as a program of its own. */
const NOISY_AGENT = 'dist/test/support/noisy-agent.js';

/**
 * Starts a noisy agent (noisy-agent.ts) in its own process: `loops` callers of `tool` pausing
 * `pauseMs` after each answer. Resolves once it calls; `stop` ends it and returns its report.
 */
export async function startNoisyAgent(mcpUrl: string, token: string, tool: string, loops: number, pauseMs: number): Promise<{ stop(): Promise<NoiseReport> }> {
  const agent = spawn(process.execPath, [NOISY_AGENT, mcpUrl, token, tool, String(loops), String(pauseMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  agent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => agent.on('exit', resolve));
  let ended = false;
  void exited.then(() => (ended = true));
  while (!output.includes('ready\n')) {
    if (ended) throw new Error(`the noisy agent ended before it started: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    async stop() {
      agent.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`the noisy agent exited with ${code}: ${output}`);
      return JSON.parse(output.split('\n').filter(Boolean).at(-1)!) as NoiseReport;
    },
  };
}
