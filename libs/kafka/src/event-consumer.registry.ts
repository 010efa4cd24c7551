import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_DEDUPLICATOR, EventDeduplicator } from './event-deduplicator';
import { EventMessageProcessor, ProcessorHandler } from './event-message.processor';
import { EventTransport } from './event-transport';
import { KafkaMetrics } from './kafka-metrics';
import { BatchSubscribeOptions, ConsumerHandle, KAFKA_MODULE_OPTIONS, ResolvedKafkaOptions, SubscribeOptions } from './kafka.types';

const GROUP_ID = /^[a-z][a-z0-9._-]{0,200}$/;

/**
 * Starts consumers. Every subscription names its own consumer group; each message is parsed against the contracts,
 * handled (deduplicated in PostgreSQL when `dedupe` is on) with a few retries, and dead-lettered to `<topic>.dlt`
 * when it cannot be parsed or keeps failing — the partition never blocks on one bad message.
 * Call from a service's onModuleInit or onApplicationBootstrap; consumers stop when the module is destroyed.
 */
@Injectable()
export class EventConsumerRegistry {
  private readonly logger = new Logger('Kafka');
  private readonly handles = new Set<ConsumerHandle>();

  constructor(
    private readonly transport: EventTransport,
    private readonly metrics: KafkaMetrics,
    @Inject(KAFKA_MODULE_OPTIONS) private readonly options: ResolvedKafkaOptions,
    @Inject(EVENT_DEDUPLICATOR) private readonly deduplicator: EventDeduplicator,
  ) {}

  /** One event at a time, in order per partition. */
  subscribe(options: SubscribeOptions): Promise<ConsumerHandle> {
    return this.start(options, { kind: 'single', handler: options.handler });
  }

  /**
   * Whole fetched batches (one partition each, in offset order) for throughput, e.g. replays. With `dedupe`, one
   * transaction claims the batch's events and runs the handler with only the events not seen before. A batch that
   * keeps failing is retried event by event, and only the failing events are dead-lettered.
   */
  subscribeBatch(options: BatchSubscribeOptions): Promise<ConsumerHandle> {
    return this.start(options, { kind: 'batch', handler: options.batchHandler, maxBatchSize: options.maxBatchSize ?? 1000 });
  }

  /** The running subscriptions. */
  list(): ConsumerHandle[] {
    return [...this.handles];
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.handles].map((h) => h.stop()));
    this.handles.clear();
  }

  private async start(options: SubscribeOptions | BatchSubscribeOptions, handler: ProcessorHandler): Promise<ConsumerHandle> {
    if (!GROUP_ID.test(options.groupId)) {
      throw new Error(`consumer group id "${options.groupId}" must be lower-case letters, digits and ._- (an explicit, stable name)`);
    }
    if (options.topics.length === 0) throw new Error(`consumer ${options.groupId}: no topics`);
    const dedupe = options.dedupe ?? false;
    const processor = new EventMessageProcessor(
      {
        groupId: options.groupId,
        dedupe,
        deduplicator: dedupe ? this.deduplicator : undefined,
        maxRetries: options.maxRetries ?? this.options.maxRetries,
        retryBackoffMs: this.options.retryBackoffMs,
        metrics: this.metrics,
        logger: this.logger,
        deadLetter: (letter) => this.transport.deadLetter(letter),
      },
      handler,
    );
    const handle = await this.transport.consume({
      groupId: options.groupId,
      topics: [...options.topics],
      fromBeginning: options.fromBeginning ?? false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      maxFetchBytes: options.maxFetchBytes,
      process: (records, control) => processor.process(records, control),
    });
    const tracked: ConsumerHandle = {
      groupId: handle.groupId,
      topics: handle.topics,
      ready: handle.ready,
      stop: async () => {
        this.handles.delete(tracked);
        await handle.stop();
      },
    };
    this.handles.add(tracked);
    this.logger.log(
      `Kafka: subscribed ${options.groupId} to ${options.topics.join(', ')} (${handler.kind}${dedupe ? ', dedupe' : ''}${options.fromBeginning ? ', from beginning' : ''})`,
    );
    return tracked;
  }
}
