import { describe, expect, it } from '@jest/globals';
import { assertRenamable, columnsOf } from '#projections';
import { ALL_PROJECTIONS } from '../projections.js';

describe('the views replay rebuilds', () => {
  it.each(ALL_PROJECTIONS.map((projection) => [projection.name, projection] as const))('%s: no column shares its name with a table of the projection (its SQL is sent to shadow tables by renaming)', (_name, projection) => {
    const tables = Object.keys(projection.tables);
    for (const ddl of Object.values(projection.tables)) {
      const columns = columnsOf(ddl);
      expect(columns).toContain('tenant_id');
      expect(columns.filter((column) => tables.includes(column))).toEqual([]);
    }
    expect(() => assertRenamable(projection)).not.toThrow();
  });
});
