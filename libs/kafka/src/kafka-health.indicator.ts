import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthContributor } from '@meal/platform';
import { EventTransport } from './event-transport';

/**
 * `kafka` in /health: the broker answers a describe-cluster within 2 s (`{kafka: {status, mode: 'kafka', brokers}}`),
 * or `{kafka: {status: 'up', mode: 'embedded'}}` for the in-process transport.
 */
@Injectable()
export class KafkaHealthIndicator implements HealthContributor {
  constructor(private readonly transport: EventTransport) {}

  check(): Promise<HealthIndicatorResult> {
    return this.transport.health('kafka');
  }
}
