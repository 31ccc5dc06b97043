import { resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { eventStoreLocationOf } from './event-store-location.js';

describe('eventStoreLocationOf', () => {
  it('names the SQLite file by its absolute path', () => {
    expect(eventStoreLocationOf({ kind: 'sqlite', dataDir: './data' })).toBe(`SQLite ${resolve('data/events.db')}`);
  });

  it('names the PostgreSQL host and database, never the user or the password', () => {
    const location = eventStoreLocationOf({ kind: 'postgres', connectionString: 'postgres://ledger:s3cret@db.internal:6432/ledgerline?sslmode=require' });
    expect(location).toBe('PostgreSQL ledgerline on db.internal:6432');
    expect(eventStoreLocationOf({ kind: 'postgres', connectionString: 'postgres:///ledgerline?host=/run/postgresql' })).toBe('PostgreSQL ledgerline on /run/postgresql');
    expect(eventStoreLocationOf({ kind: 'postgres', connectionString: 'postgres://ledger:s3cret@/ledgerline' })).toBe('PostgreSQL');
  });
});
