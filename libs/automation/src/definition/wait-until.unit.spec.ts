import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import type { TemplateContext } from './template-reference.js';
import { parseIsoInstant, renderWaitUntil } from './wait-until.js';

const context = (payAt: string | number): TemplateContext => ({ input: { payAt }, steps: {}, run: { id: 'r', startedBy: 'u' } });

describe('parseIsoInstant', () => {
  it('reads instants with Z or an offset', () => {
    expect(parseIsoInstant('2026-03-01T09:00:00Z')).toBe(Date.UTC(2026, 2, 1, 9));
    expect(parseIsoInstant('2026-03-01T10:00:00.500+01:00')).toBe(Date.UTC(2026, 2, 1, 9, 0, 0, 500));
  });

  it('refuses local times, dates and anything else', () => {
    for (const text of ['2026-03-01T09:00:00', '2026-03-01', 'tomorrow', '1772355600000', '2026-13-45T99:00:00Z', '2026-02-30T00:00:00Z']) expect(parseIsoInstant(text)).toBeUndefined();
  });
});

describe('renderWaitUntil', () => {
  it('renders the template to epoch milliseconds', () => {
    expect(renderWaitUntil('{{input.payAt}}', context('2026-03-01T09:00:00Z'))).toBe(Date.UTC(2026, 2, 1, 9));
  });

  it('refuses a rendered value that is not an instant', () => {
    try {
      renderWaitUntil('{{input.payAt}}', context(1772355600000));
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('automation.wait_until_invalid');
    }
  });
});
