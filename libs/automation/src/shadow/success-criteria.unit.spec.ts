import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SUCCESS_CRITERIA, parseSuccessCriteria, unmetCriteria } from './success-criteria.js';

describe('success criteria', () => {
  it('fills each criterion left out with its default', () => {
    expect(parseSuccessCriteria(undefined)).toEqual(DEFAULT_SUCCESS_CRITERIA);
    expect(parseSuccessCriteria({ minRuns: 10 })).toEqual({ ...DEFAULT_SUCCESS_CRITERIA, minRuns: 10 });
  });

  it('refuses bad criteria with every issue by path', () => {
    expect(() => parseSuccessCriteria({ minRuns: 0, minIdenticalRequestRate: 1.5, other: 1 })).toThrow(expect.objectContaining({ code: 'automation.invalid_criteria' }));
    const refusal = ((): unknown => {
      try {
        return parseSuccessCriteria({ minRuns: 2.5, minIdenticalRequestRate: -1 });
      } catch (error) {
        return error;
      }
    })();
    expect((refusal as { details: { issues: Array<{ path: string }> } }).details.issues.map((issue) => issue.path)).toEqual(['successCriteria.minRuns', 'successCriteria.minIdenticalRequestRate']);
  });

  it('holds when every figure meets its criterion', () => {
    expect(unmetCriteria(DEFAULT_SUCCESS_CRITERIA, { runs: 200, identicalRequestRate: 0.99, newFailureClasses: [] })).toEqual([]);
  });

  it('lists each unmet criterion with what it requires and what the report shows', () => {
    expect(unmetCriteria(DEFAULT_SUCCESS_CRITERIA, { runs: 199, identicalRequestRate: 0.5, newFailureClasses: ['step.not_retryable'] })).toEqual([
      { criterion: 'minRuns', required: 200, actual: 199 },
      { criterion: 'minIdenticalRequestRate', required: 0.99, actual: 0.5 },
      { criterion: 'allowNewFailureClasses', required: false, actual: ['step.not_retryable'] },
    ]);
    expect(unmetCriteria({ ...DEFAULT_SUCCESS_CRITERIA, allowNewFailureClasses: true }, { runs: 300, identicalRequestRate: 1, newFailureClasses: ['x'] })).toEqual([]);
  });

  it('does not pass a rate over no runs at all', () => {
    expect(unmetCriteria({ minRuns: 1, minIdenticalRequestRate: 0, allowNewFailureClasses: true }, { runs: 0, identicalRequestRate: 0, newFailureClasses: [] }).map((u) => u.criterion)).toEqual(['minRuns', 'minIdenticalRequestRate']);
  });
});
