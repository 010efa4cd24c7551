import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '@meal/platform';

/** The kafka lib's Prometheus metrics, registered on the service registry. Topics are logical names. */
@Injectable()
export class KafkaMetrics {
  readonly published: Counter<'topic'>;
  readonly consumed: Counter<'group' | 'topic'>;
  readonly duplicates: Counter<'group' | 'topic'>;
  readonly deadLettered: Counter<'group' | 'topic' | 'reason'>;
  readonly handlerRetries: Counter<'group' | 'topic'>;
  readonly lag: Gauge<'group' | 'topic' | 'partition'>;
  readonly handleDuration: Histogram<'group' | 'topic'>;

  constructor(metrics: MetricsService) {
    this.published = metrics.counter('kafka_events_published_total', 'Events published, by topic', ['topic']);
    this.consumed = metrics.counter('kafka_events_consumed_total', 'Events handled successfully, by group and topic', ['group', 'topic']);
    this.duplicates = metrics.counter('kafka_events_duplicate_total', 'Redelivered events skipped by the deduplicator', ['group', 'topic']);
    this.deadLettered = metrics.counter('kafka_events_dead_lettered_total', 'Messages sent to a dead-letter topic, by reason', [
      'group',
      'topic',
      'reason',
    ]);
    this.handlerRetries = metrics.counter('kafka_handler_retries_total', 'Handler retries after an error', ['group', 'topic']);
    this.lag = metrics.gauge('kafka_consumer_lag', 'Messages not yet consumed, by group, topic and partition', ['group', 'topic', 'partition']);
    this.handleDuration = metrics.histogram(
      'kafka_handle_duration_seconds',
      'Time to handle a message or batch, including deduplication',
      ['group', 'topic'],
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    );
  }
}
