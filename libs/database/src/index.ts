export * from './data-source-options';
export * from './database-admin';
export * from './database.module';
export * from './pool-client-errors';
export * from './batch-queue';
