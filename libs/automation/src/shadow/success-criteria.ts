import { ValidationError } from '#core';
import { z } from 'zod';

/** What a shadow version must show over its compared runs before automation_promote makes it live. */
export type SuccessCriteria = {
  minRuns: number;
  /** Share of compared runs whose every rendered request was identical to the live run's, 0 to 1. */
  minIdenticalRequestRate: number;
  /** false: a failure class the shadow shows and the live runs never did blocks promotion. */
  allowNewFailureClasses: boolean;
};

export const DEFAULT_SUCCESS_CRITERIA: SuccessCriteria = { minRuns: 200, minIdenticalRequestRate: 0.99, allowNewFailureClasses: false };

export const successCriteriaSchema = z.strictObject({
  minRuns: z.number().int().min(1).max(1_000_000).optional(),
  minIdenticalRequestRate: z.number().min(0).max(1).optional(),
  allowNewFailureClasses: z.boolean().optional(),
});

/** The criteria as given (each missing one at its default), or automation.invalid_criteria with every issue by path. */
export function parseSuccessCriteria(value: unknown): SuccessCriteria {
  const parsed = successCriteriaSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: ['successCriteria', ...issue.path].join('.'), message: issue.message }));
    throw new ValidationError('automation.invalid_criteria', `invalid success criteria: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  return { ...DEFAULT_SUCCESS_CRITERIA, ...stripUndefined(parsed.data) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The figures of a shadow report the criteria are checked against. */
export type CriteriaFigures = {
  runs: number;
  identicalRequestRate: number;
  newFailureClasses: string[];
};

export type UnmetCriterion = {
  criterion: keyof SuccessCriteria;
  required: number | boolean;
  actual: number | string[];
};

/** Each criterion the figures miss, with what it asks and what the report shows; empty when all hold. */
export function unmetCriteria(criteria: SuccessCriteria, figures: CriteriaFigures): UnmetCriterion[] {
  const unmet: UnmetCriterion[] = [];
  if (figures.runs < criteria.minRuns) unmet.push({ criterion: 'minRuns', required: criteria.minRuns, actual: figures.runs });
  // No runs compared has no rate to speak of: it fails the rate too, rather than passing it vacuously.
  if (figures.runs === 0 || figures.identicalRequestRate < criteria.minIdenticalRequestRate) {
    unmet.push({ criterion: 'minIdenticalRequestRate', required: criteria.minIdenticalRequestRate, actual: figures.identicalRequestRate });
  }
  if (!criteria.allowNewFailureClasses && figures.newFailureClasses.length > 0) unmet.push({ criterion: 'allowNewFailureClasses', required: false, actual: figures.newFailureClasses });
  return unmet;
}
