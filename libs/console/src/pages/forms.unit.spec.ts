import { describe, expect, it } from '@jest/globals';
import { endOfUtcDay, formValues, isCalendarDate, startOfUtcDay, wholeDays } from './forms.js';

describe('form input parsing', () => {
  it('takes whole days in range only, each refusal saying what is wrong', () => {
    expect(wholeDays('365', 1, 36_500)).toEqual({ days: 365 });
    expect(wholeDays('36500', 1, 36_500)).toEqual({ days: 36_500 });
    for (const text of ['0', '36501', '000']) expect(wholeDays(text, 1, 36_500)).toEqual({ problem: 'Enter a number of days from 1 to 36500.' });
    for (const text of ['abc', '-5', '1.5', '1e3', '+7', ' 7', '0x10']) expect(wholeDays(text, 1, 36_500)).toEqual({ problem: `Enter the number of days as a whole number, like 365, not "${text}".` });
    expect(wholeDays('', 1, 36_500)).toEqual({ problem: 'Enter the number of days.' });
  });

  it('knows real calendar dates, and the UTC day they span (the end exclusive)', () => {
    expect(['2026-01-31', '2024-02-29'].map(isCalendarDate)).toEqual([true, true]);
    expect(['2026-02-30', '2025-02-29', '2026-13-01', '26-01-01', '2026-1-1', ''].map(isCalendarDate)).toEqual([false, false, false, false, false, false]);
    expect([startOfUtcDay('2026-12-31'), endOfUtcDay('2026-12-31')]).toEqual(['2026-12-31T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });

  it('reads every value of a field sent once, many times or not at all', () => {
    expect(formValues({ scopes: ['runs:read', ' memory:read ', ''] }, 'scopes')).toEqual(['runs:read', 'memory:read']);
    expect(formValues({ scopes: 'runs:read' }, 'scopes')).toEqual(['runs:read']);
    expect(formValues({}, 'scopes')).toEqual([]);
  });
});
