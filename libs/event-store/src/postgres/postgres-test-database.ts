import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * A fresh database on the server of DATABASE_URL, dropped by `drop()`. Tests that need PostgreSQL
 * fail, loudly, when DATABASE_URL is missing: `npm test` always provides one.
 */
export async function createTestDatabase(prefix = 'll_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set: run the suite with `npm test`, which starts PostgreSQL');
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
