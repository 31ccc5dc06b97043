import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs `measure` `runs` times and returns the median rate and every run's rate. */
export async function medianOf(runs: number, measure: () => Promise<number>): Promise<{ median: number; runs: number[] }> {
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) rates.push(await measure());
  return { median: median(rates), runs: rates };
}

/** Calls `operation` from `concurrency` loops for `seconds`; returns completed operations per second. */
export async function ratePerSecond(seconds: number, concurrency: number, operation: (worker: number, i: number) => Promise<number | void>): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let done = 0;
  let failed = false; // the first failure ends every loop: the bench stops there, it does not measure errors
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; !failed && performance.now() < deadline; i++) {
        const completed = await operation(worker, i).catch((error: unknown) => {
          failed = true;
          throw error;
        });
        done += completed ?? 1; // read `done` only after the await
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/** Taken as the bench starts (this module is loaded first), before its own load adds to it. */
const loadAverageAtStart = loadavg()[0]!;

/** The machine and runtime a bench ran on; the load average says how busy the (shared) machine was as it started. */
export function machine(): Record<string, unknown> {
  return {
    cpus: cpus().length, cores: availableParallelism(), cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version, platform: process.platform, loadAverage1mAtStart: Math.round(loadAverageAtStart * 100) / 100,
  };
}

export function writeResults(path: string, results: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

export function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
