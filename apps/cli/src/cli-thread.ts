import type { ResourceLimits } from 'node:worker_threads';

/**
 * V8's young generation (where every short-lived object starts) grows with the machine's memory:
 * Node 24 on a 24 GiB machine lets it reach 128 MB, and it stays that big once a long loop grew
 * it. The commands that stream a tenant's whole log allocate in a steady stream and keep little
 * alive (one page of events), so that space was most of their peak memory: an export of a
 * million events peaked at 335 MB with 22 MB live. They run on a worker thread with a small
 * young generation instead; with pages of 100 events (READ_BATCH in #compliance) the same export
 * peaks at 154 MB, as one of 10,000 events does, and is no slower. The old generation is left
 * unbounded: a tenant's large view rows must not crash an export.
 */
const YOUNG_GENERATION_MB = 16;

/**
 * Commands that stream the whole log in a steady flow. One that reads stdin or writes stdout
 * (`verify -`, `export --out -`) stays on the main thread: a worker's stdio is relayed through
 * this thread, which would read stdin for it, and would accept an export the reader of stdout
 * stopped taking (a closed pipe) as written and complete.
 */
function streamsTheLog(argv: readonly string[]): boolean {
  const [command, ...rest] = argv;
  if (rest.some((arg) => arg === '-' || arg === '--out=-')) return false;
  return command === 'export' || command === 'archive' || command === 'verify';
}

/** The resource limits of the worker thread that runs `argv`; undefined: it runs on the main thread. */
export function workerLimitsFor(argv: readonly string[]): ResourceLimits | undefined {
  return streamsTheLog(argv) ? { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } : undefined;
}
