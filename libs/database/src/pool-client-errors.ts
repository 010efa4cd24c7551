import { Logger } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';

/**
 * pg-pool listens for errors on idle clients only. A client that is checked out but has no query running — a
 * transaction waiting on Kafka in the outbox relay, a consumer batch between statements — has no 'error' listener,
 * so when PostgreSQL terminates its backend (pg_terminate_backend, a restart, a network cut) the 'error' event is
 * unhandled and the whole process dies. This gives every client of the pool a listener for its whole life: the error
 * is logged, the client's next query fails (and is handled where it is made), and the pool drops the broken client
 * when it is released.
 */
export function guardPoolClientErrors(dataSource: DataSource, logger: Pick<Logger, 'warn'> = new Logger('Database')): void {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) return;
  const guarded = new WeakSet<PoolClient>();
  const guard = (client: PoolClient): void => {
    if (guarded.has(client)) return;
    guarded.add(client);
    client.on('error', (error: Error) => logger.warn(`a PostgreSQL connection failed (it will be replaced): ${error.message}`));
  };
  pool.on('connect', guard);
  pool.on('acquire', guard);
}
