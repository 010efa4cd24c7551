export * from './kafka-broker';
export * from './kafka-login';
export * from './test-database';
export * from './browser';
export * from './service-keys';
