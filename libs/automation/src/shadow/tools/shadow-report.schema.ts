import { z } from 'zod';

const criteria = z.object({ minRuns: z.number(), minIdenticalRequestRate: z.number(), allowNewFailureClasses: z.boolean() });
const classes = z.array(z.object({ failureClass: z.string(), runs: z.number() }));

/** A shadow report as tools give it (ShadowReport). */
export const shadowReportOutput = z.object({
  automation: z.string(), liveVersion: z.number(), shadowVersion: z.number(), successCriteria: criteria,
  runs: z.number(), identicalRequestRuns: z.number(), identicalRequestRate: z.number(), sameSequenceRuns: z.number(), sameOutcomeRuns: z.number(),
  failureClasses: z.object({ live: classes, shadow: classes }), newFailureClasses: z.array(z.string()),
  differingPaths: z.array(z.object({ stepId: z.string(), path: z.string(), runs: z.number() })),
  meanDurationMs: z.object({ live: z.number().nullable(), shadow: z.number().nullable() }),
  criteriaMet: z.boolean(),
  unmet: z.array(z.object({ criterion: z.string(), required: z.union([z.number(), z.boolean()]), actual: z.union([z.number(), z.array(z.string())]) })),
});
