import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#core';
import { exportFileName } from './export-file-name.js';
import { parseExportQuery } from './export-query.js';

describe('the export query', () => {
  it('takes since, until (normalised to UTC) and withViews', () => {
    expect(parseExportQuery({})).toEqual({ range: {}, withViews: false });
    expect(parseExportQuery({ since: '2025-03-01T10:00:00+01:00', until: '2025-03-02T00:00:00Z', withViews: 'true' })).toEqual({
      range: { since: '2025-03-01T09:00:00.000Z', until: '2025-03-02T00:00:00.000Z' },
      withViews: true,
    });
  });

  it('refuses unknown parameters, repeated ones, bad instants, bad booleans and an empty window with typed errors', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ tenant: 'other' }, 'compliance.export.invalid_query'],
      [{ since: ['2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z'] }, 'compliance.export.invalid_query'],
      [{ withViews: 'yes' }, 'compliance.export.invalid_query'],
      [{ since: 'yesterday' }, 'compliance.export.invalid_range'],
      [{ since: '2025-02-30T00:00:00' }, 'compliance.export.invalid_range'],
      [{ since: '2025-01-02T00:00:00Z', until: '2025-01-01T00:00:00Z' }, 'compliance.export.invalid_range'],
    ];
    for (const [query, code] of cases) {
      let error: unknown;
      try {
        parseExportQuery(query);
      } catch (caught) {
        error = caught;
      }
      expect({ query, error }).toEqual({ query, error: expect.any(ValidationError) });
      expect((error as ValidationError).code).toBe(code);
    }
  });

  it('names the download after the tenant and the time', () => {
    expect(exportFileName('acme', new Date('2025-03-01T09:08:07.123Z'))).toBe('acme-20250301T090807Z.ndjson.gz');
  });
});
