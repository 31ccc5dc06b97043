import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
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
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const completed = await operation(worker, i); // read `done` only after the await
        done += completed ?? 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

export function machine(): Record<string, unknown> {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform };
}

export function writeResults(path: string, results: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

export function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
