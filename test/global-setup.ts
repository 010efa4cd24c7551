import { Client } from 'pg';
import { ensureKafkaBroker } from '../libs/testing/src/kafka-broker';

/** Before any test: the real PostgreSQL must answer, and the real Kafka broker is started if none runs. */
const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

export default async function globalSetup(): Promise<void> {
  const client = new Client({ connectionString: TEST_SERVER_URL });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_SERVER_URL}: ${String(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const started = await ensureKafkaBroker();
  (globalThis as { __MEAL_STARTED_KAFKA__?: boolean }).__MEAL_STARTED_KAFKA__ = started;
}
