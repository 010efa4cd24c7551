import { HealthIndicatorResult } from '@nestjs/terminus';
import { ConsumerHandle, DeadLetterReason, InboundRecord, OutgoingMessage } from './kafka.types';

/** What a transport lets the processing pipeline do while it works through a batch of one partition. */
export interface BatchControl {
  /** Marks `offset` (and everything before it in the partition) as done; it is committed soon after. */
  resolve(offset: string): void;
  /** Keeps group membership alive during long work. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the batch went stale (rebalance): stop and leave the rest unresolved. */
  isRunning(): boolean;
}

export interface ConsumerSpec {
  groupId: string;
  topics: readonly string[];
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  /** Upper bound of one fetch response (bytes); the transport's default when absent. */
  maxFetchBytes?: number;
  /** Handles the records of one partition, in offset order. A throw means "redeliver from the first unresolved". */
  process(records: InboundRecord[], control: BatchControl): Promise<void>;
}

export interface DeadLetter {
  record: InboundRecord;
  groupId: string;
  reason: DeadLetterReason;
  error: string;
}

/** A dead letter as the embedded transport keeps it. */
export interface StoredDeadLetter extends DeadLetter {
  deadLetterTopic: string;
  failedAt: string;
}

/**
 * The event bus behind EventPublisher and EventConsumerRegistry: the real broker (kafkajs) or the embedded
 * in-process transport. Topic and group names given here are logical; the transport applies the prefix.
 */
export abstract class EventTransport {
  abstract readonly mode: 'kafka' | 'embedded';

  /** Connects and creates topics; safe to call many times (the first call does the work). */
  abstract start(): Promise<void>;

  /** Writes the messages to `topic`; resolves when the broker acknowledged all of them (acks=all). */
  abstract publish(topic: string, messages: OutgoingMessage[]): Promise<void>;

  /** Puts a message that cannot be processed on `<topic>.dlt` with the dlt-* headers. */
  abstract deadLetter(letter: DeadLetter): Promise<void>;

  abstract consume(spec: ConsumerSpec): Promise<ConsumerHandle>;

  abstract health(key: string): Promise<HealthIndicatorResult>;

  /** Stops every consumer and disconnects. */
  abstract shutdown(): Promise<void>;
}
