import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, runMigrations, withDatabase } from '@meal/database';

/** The server tests run against: the real PostgreSQL of the machine (TEST_DATABASE_URL overrides). */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database with every migration applied, unique to the caller; drop() removes it. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `meal_${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(TEST_SERVER_URL, name);
  await ensureDatabase(url);
  await runMigrations(url);
  return { url, name, drop: () => dropDatabase(url) };
}
