import { describe, expect, it } from '@jest/globals';
import { workerLimitsFor } from './cli-thread.js';

describe('the commands that run on a worker thread with a small young generation', () => {
  it.each([
    [['export', '--tenant', 'acme', '--out', 'acme.ndjson.gz']],
    [['export', '--tenant', 'acme']],
    [['archive', '--tenant', 'acme']],
    [['verify', 'acme.ndjson.gz', '--json']],
  ])('runs %j on a worker thread with a bounded young generation and an unbounded old one', (argv) => {
    const limits = workerLimitsFor(argv);
    expect(limits?.maxYoungGenerationSizeMb).toBe(16);
    expect(limits?.maxOldGenerationSizeMb).toBeUndefined();
  });

  it.each([
    [['export', '--tenant', 'acme', '--out', '-']],
    [['export', '--tenant', 'acme', '--out=-']],
    [['verify', '-']],
    [['replay', '--all']],
    [['tenants', 'list']],
    [['--help']],
    [[]],
  ])('runs %j on the main thread (stdin or stdout named, or not a streaming command)', (argv) => {
    expect(workerLimitsFor(argv)).toBeUndefined();
  });
});
