import { isMainThread, Worker, type ResourceLimits } from 'node:worker_threads';
import { workerLimitsFor } from './cli-thread.js';

const argv = process.argv.slice(2);
const limits = isMainThread ? workerLimitsFor(argv) : undefined;
process.exitCode = limits ? await runOnWorker(argv, limits) : await runHere(argv);

async function runHere(args: readonly string[]): Promise<number> {
  const { runCli } = await import('./cli.js');
  return runCli(args, { env: process.env, stdout: process.stdout, stderr: process.stderr, readStdin });
}

/**
 * The whole command on a worker thread (see cli-thread.ts), from the CLI's entry again (so the
 * compile cache is on there too). Its stdout and stderr pass through to this process's, with
 * back-pressure; its exit code is the process's.
 */
function runOnWorker(args: readonly string[], resourceLimits: ResourceLimits): Promise<number> {
  const worker = new Worker(new URL('./main.js', import.meta.url), { argv: [...args], resourceLimits });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', resolve);
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
