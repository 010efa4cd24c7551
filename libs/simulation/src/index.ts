export * from './risk-month';
export * from './risk-month-score';
export * from './simulation-organisation';
