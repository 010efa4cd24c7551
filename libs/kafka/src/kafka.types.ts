import { ParsedEvent, ParseFailureReason } from '@meal/contracts';
import { EntityManager } from 'typeorm';

/** Kafka header names the platform writes and reads. */
export const KafkaHeaders = {
  EventType: 'event-type',
  EventVersion: 'event-version',
  EventId: 'event-id',
  CorrelationId: 'x-correlation-id',
  ContentType: 'content-type',
  DltReason: 'dlt-reason',
  DltError: 'dlt-error',
  DltOriginalTopic: 'dlt-original-topic',
  DltOriginalPartition: 'dlt-original-partition',
  DltOriginalOffset: 'dlt-original-offset',
  DltConsumerGroup: 'dlt-consumer-group',
  DltFailedAt: 'dlt-failed-at',
} as const;

/** Why a message went to the dead-letter topic: a parse failure reason, or the handler kept failing. */
export type DeadLetterReason = ParseFailureReason | 'HANDLER_FAILED';

/** A message as a transport hands it to the processing pipeline. `topic` is the logical (unprefixed) name. */
export interface InboundRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

/** A message to write; the transport resolves the topic prefix and the partition (from the key). */
export interface OutgoingMessage {
  key: string | null;
  value: Buffer | string | null;
  headers: Record<string, string>;
}

/** Where a consumed event came from. `manager` is the deduplication transaction when `dedupe` is on. */
export interface EventMeta {
  topic: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
  groupId: string;
  /** Present when the subscription deduplicates: write through it so the work commits with the processed_events row. */
  manager?: EntityManager;
}

export type EventHandler = (event: ParsedEvent, meta: EventMeta) => Promise<void>;

/** One consumed event of a batch, with where it came from. */
export interface ConsumedEvent {
  event: ParsedEvent;
  meta: Omit<EventMeta, 'manager'>;
}

export interface BatchMeta {
  topic: string;
  partition: number;
  groupId: string;
  /** Present when the subscription deduplicates; the events given are only those not processed before. */
  manager?: EntityManager;
}

export type BatchEventHandler = (events: ConsumedEvent[], meta: BatchMeta) => Promise<void>;

interface CommonSubscribeOptions {
  /** Explicit, stable consumer group id, e.g. `risk.duplicate-subsidy`. Prefixed with the topic prefix on the broker. */
  groupId: string;
  /** Logical topic names (Topics.*). */
  topics: readonly string[];
  /** Start from the earliest offset when the group has no committed offset (default false: only new messages). */
  fromBeginning?: boolean;
  /** Run the handler in a PostgreSQL transaction with a processed_events row, so a redelivered event is skipped. */
  dedupe?: boolean;
  /** Retries of a failing handler before the message goes to the DLT (default from the module options). */
  maxRetries?: number;
  /** Partitions processed in parallel by this consumer (default 1). Order within a partition is always kept. */
  partitionsConsumedConcurrently?: number;
  /**
   * Upper bound of one fetch response from the broker (default kafkajs' 10 MB; each partition's share is at most a
   * quarter of it, and at least one message is always returned). A consumer that reads topics from the beginning
   * holds fetched buffers until their messages are handled: a smaller bound keeps its memory down.
   */
  maxFetchBytes?: number;
}

export interface SubscribeOptions extends CommonSubscribeOptions {
  handler: EventHandler;
}

export interface BatchSubscribeOptions extends CommonSubscribeOptions {
  /** Called with the valid events of a fetched batch of one partition, in offset order. */
  batchHandler: BatchEventHandler;
  /** Upper bound of events per handler call (default 1000). */
  maxBatchSize?: number;
}

/** A running subscription. */
export interface ConsumerHandle {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Resolves once the consumer has joined its group and has partitions assigned (embedded: at once). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/** Thrown by a handler for an event that can never succeed: it goes to the DLT without retries. */
export class PermanentEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentEventError';
  }
}

/** Options of KafkaModule.forRoot(). */
export interface KafkaModuleOptions {
  /** Handler retries before dead-lettering (default 3). */
  maxRetries?: number;
  /** First retry delay; doubles each retry (default 200 ms). */
  retryBackoffMs?: number;
  /** How often consumer lag is measured from the broker (default 5000 ms; 0 turns it off). */
  lagIntervalMs?: number;
  /** Create TOPIC_SPECS topics and their DLTs at startup (default true). */
  createTopics?: boolean;
}

export const KAFKA_MODULE_OPTIONS = Symbol('KAFKA_MODULE_OPTIONS');

export interface ResolvedKafkaOptions {
  maxRetries: number;
  retryBackoffMs: number;
  lagIntervalMs: number;
  createTopics: boolean;
}

export function resolveKafkaOptions(options: KafkaModuleOptions = {}): ResolvedKafkaOptions {
  return {
    maxRetries: options.maxRetries ?? 3,
    retryBackoffMs: options.retryBackoffMs ?? 200,
    lagIntervalMs: options.lagIntervalMs ?? 5000,
    createTopics: options.createTopics ?? true,
  };
}
