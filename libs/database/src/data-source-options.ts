import { DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import { ALL_MIGRATIONS } from '@meal/migrations';

// eslint-disable-next-line @typescript-eslint/ban-types
export type EntityList = MixedList<Function | string | EntitySchema>;

/**
 * One place that says how the services talk to PostgreSQL. synchronize is off: the schema is the migrations'.
 * Entities are listed explicitly by each service (no globs). Migrations are the explicit list in migrations/index.ts.
 */
export function buildDataSourceOptions(url: string, entities: EntityList, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: { max: poolSize, application_name: 'official-meal' },
  };
}
