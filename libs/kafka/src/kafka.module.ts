import { DynamicModule, Global, Injectable, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@meal/config';
import { EmbeddedBus, EmbeddedTransport } from './embedded.transport';
import { EventConsumerRegistry } from './event-consumer.registry';
import { EVENT_DEDUPLICATOR, PostgresEventDeduplicator } from './event-deduplicator';
import { EventPublisher } from './event-publisher.service';
import { EventTransport } from './event-transport';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { KafkaMetrics } from './kafka-metrics';
import { KAFKA_MODULE_OPTIONS, KafkaModuleOptions, ResolvedKafkaOptions, resolveKafkaOptions } from './kafka.types';
import { KafkaJsTransport } from './kafkajs.transport';

/** Connects the transport (and creates topics) at module init; stops consumers and disconnects at module destroy. */
@Injectable()
export class KafkaLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly transport: EventTransport,
    private readonly consumers: EventConsumerRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.transport.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumers.stopAll();
    await this.transport.shutdown();
  }
}

/**
 * The event bus of a service: the real Kafka broker when KAFKA_BROKERS is set, otherwise the embedded in-process
 * transport, behind the same EventPublisher and EventConsumerRegistry. Needs AppConfig (ConfigModule),
 * MetricsService (MetricsModule) and, for `dedupe`, a TypeORM DataSource mapping KAFKA_ENTITIES.
 */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions = {}): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: KAFKA_MODULE_OPTIONS, useValue: resolveKafkaOptions(options) },
        KafkaMetrics,
        {
          provide: EventTransport,
          inject: [AppConfig, KAFKA_MODULE_OPTIONS, KafkaMetrics],
          useFactory: (config: AppConfig, resolved: ResolvedKafkaOptions, metrics: KafkaMetrics): EventTransport =>
            config.kafka.embedded
              ? new EmbeddedTransport(metrics, config.kafka.embeddedBus ? EmbeddedBus.shared(config.kafka.embeddedBus) : undefined)
              : new KafkaJsTransport(
                  { brokers: config.kafka.brokers, clientId: config.kafka.clientId, topicPrefix: config.kafka.topicPrefix, sasl: config.kafka.sasl, ssl: config.kafka.ssl },
                  resolved,
                  metrics,
                ),
        },
        PostgresEventDeduplicator,
        { provide: EVENT_DEDUPLICATOR, useExisting: PostgresEventDeduplicator },
        EventPublisher,
        EventConsumerRegistry,
        KafkaHealthIndicator,
        KafkaLifecycle,
      ],
      exports: [KAFKA_MODULE_OPTIONS, KafkaMetrics, EventTransport, EVENT_DEDUPLICATOR, EventPublisher, EventConsumerRegistry, KafkaHealthIndicator],
    };
  }
}
