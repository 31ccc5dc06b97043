import { describe, expect, it } from '@jest/globals';
import { IllegalStateError } from '#core';
import type { Projection } from '../projection.js';
import { assertRenamable, columnsOf, renameTables, shadowDdl, shadowNames } from './shadow-tables.js';

const projection = (tables: Record<string, string>): Projection => ({ name: 'p', version: 1, tables, handles: () => true, apply: async () => undefined });

describe('shadow table names', () => {
  const names = shadowNames(projection({ runs: '', run_schedule: '', runs_archive: '' }), 3);

  it('rewrites whole identifiers only, longest names first', () => {
    expect(renameTables('UPDATE runs SET status = ? WHERE run_id IN (SELECT run_id FROM runs_archive JOIN run_schedule ON 1 = 1)', names))
      .toBe('UPDATE runs__r3 SET status = ? WHERE run_id IN (SELECT run_id FROM runs_archive__r3 JOIN run_schedule__r3 ON 1 = 1)');
    expect(renameTables("INSERT INTO runs (status, runs_total, myruns) VALUES ('running', 1, 2)", names)).toBe("INSERT INTO runs__r3 (status, runs_total, myruns) VALUES ('running', 1, 2)");
    expect(renameTables('CREATE TABLE run_schedule (tenant_id TEXT)', names)).toBe('CREATE TABLE run_schedule__r3 (tenant_id TEXT)');
  });

  it('makes a generation its own tables and indexes, each index on its own shadow table', () => {
    const indexed: Projection = {
      ...projection({ runs: 'CREATE TABLE runs (tenant_id TEXT, started_at TEXT)' }),
      indexes: { runs_by_start: 'CREATE INDEX runs_by_start ON runs (tenant_id, started_at)' },
    };
    expect(shadowDdl(indexed, 2)).toEqual(['CREATE TABLE runs__r2 (tenant_id TEXT, started_at TEXT)', 'CREATE INDEX runs_by_start__r2 ON runs__r2 (tenant_id, started_at)']);
  });

  it('reads the column names of a CREATE TABLE, leaving table constraints out', () => {
    expect(columnsOf(`CREATE TABLE t (
      tenant_id TEXT NOT NULL, amount NUMERIC(10, 2), "quoted" TEXT,
      PRIMARY KEY (tenant_id, amount), UNIQUE (quoted), CONSTRAINT c CHECK (amount > 0))`)).toEqual(['tenant_id', 'amount', 'quoted']);
  });

  it('refuses a projection with a column named like one of its tables', () => {
    expect(() => assertRenamable(projection({ a: 'CREATE TABLE a (tenant_id TEXT, b TEXT)', b: 'CREATE TABLE b (tenant_id TEXT)' }))).toThrow(IllegalStateError);
    expect(() => assertRenamable(projection({ a: 'CREATE TABLE a (tenant_id TEXT, a_b TEXT)', b: 'CREATE TABLE b (tenant_id TEXT)' }))).not.toThrow();
  });
});
