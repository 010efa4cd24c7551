import { HealthIndicatorResult } from '@nestjs/terminus';

/** Something a service depends on (a database, a broker) that reports its own health. */
export interface HealthContributor {
  check(): Promise<HealthIndicatorResult>;
}

export const HEALTH_CONTRIBUTORS = Symbol('HEALTH_CONTRIBUTORS');
