export * from './demo-city.generator';
export * from './demo-city.seeder';
export * from './demo-city.types';
export * from './seed.exceptions';
export * from './seeded-random';
