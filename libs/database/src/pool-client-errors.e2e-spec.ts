import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@meal/testing';
import { buildDataSourceOptions } from './data-source-options';
import { guardPoolClientErrors } from './pool-client-errors';

jest.setTimeout(30_000);

describe('a terminated PostgreSQL backend (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const warnings: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('poolerrors');
    dataSource = await new DataSource(buildDataSourceOptions(db.url, [], 4)).initialize();
    guardPoolClientErrors(dataSource, { warn: (message: string) => void warnings.push(message) });
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('of a checked-out connection with no query running is logged, fails only that connection, and the pool goes on', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
    // the transaction now waits (as the outbox relay does while it publishes to Kafka) when its backend is killed
    await dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(warnings.some((w) => w.includes('terminating connection'))).toBe(true);
    await expect(runner.query('SELECT 1')).rejects.toThrow();
    await runner.release();
    // the other connections (and new ones) still work
    const rows = (await Promise.all(Array.from({ length: 6 }, () => dataSource.query('SELECT 1 AS one')))) as { one: number }[][];
    expect(rows.every((r) => r[0]?.one === 1)).toBe(true);
  });
});
