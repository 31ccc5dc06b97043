import { z } from 'zod';

export const DEFAULT_RETRY_POLICY = Object.freeze({ maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 30_000, deadlineSeconds: 600 });

export const retryPolicySchema = z.strictObject({
  maxAttempts: z.int().min(1).max(20).default(DEFAULT_RETRY_POLICY.maxAttempts),
  initialDelayMs: z.int().min(1).max(60_000).default(DEFAULT_RETRY_POLICY.initialDelayMs),
  maxDelayMs: z.int().min(1).max(3_600_000).default(DEFAULT_RETRY_POLICY.maxDelayMs),
  deadlineSeconds: z.int().min(1).max(2_592_000).default(DEFAULT_RETRY_POLICY.deadlineSeconds),
}).refine((policy) => policy.maxDelayMs >= policy.initialDelayMs, { path: ['maxDelayMs'], error: 'must be at least initialDelayMs' });

/** How a failed call step is retried, with every default applied. */
export type RetryPolicy = z.output<typeof retryPolicySchema>;
