import { Logger } from '@nestjs/common';
import { isParseFailure, ParsedEvent, parseEvent } from '@meal/contracts';
import { CorrelationContext } from '@meal/platform';
import { EntityManager } from 'typeorm';
import { EventDeduplicator } from './event-deduplicator';
import { BatchControl, DeadLetter } from './event-transport';
import { KafkaMetrics } from './kafka-metrics';
import {
  BatchEventHandler,
  ConsumedEvent,
  DeadLetterReason,
  EventHandler,
  EventMeta,
  InboundRecord,
  KafkaHeaders,
  PermanentEventError,
} from './kafka.types';

export type ProcessorHandler =
  | { kind: 'single'; handler: EventHandler }
  | { kind: 'batch'; handler: BatchEventHandler; maxBatchSize: number };

export interface ProcessorDependencies {
  groupId: string;
  dedupe: boolean;
  deduplicator?: EventDeduplicator;
  maxRetries: number;
  retryBackoffMs: number;
  metrics: KafkaMetrics;
  logger: Logger;
  deadLetter(letter: DeadLetter): Promise<void>;
  sleep?(ms: number): Promise<void>;
}

/** Marks an error thrown by the service's handler (as opposed to the deduplicator or the transport). */
class HandlerFailure extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
  }
}

interface ValidRecord {
  record: InboundRecord;
  event: ParsedEvent;
}

/** A long batch of slow handlers must keep the group membership alive (session timeout 30 s). */
const HEARTBEAT_EVERY_MS = 1000;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

/**
 * The consumer pipeline shared by both transports: parse each message with parseEvent; dead-letter what does not
 * parse; run the handler (inside CorrelationContext, deduplicated when asked) with a few retries; dead-letter
 * what still fails; resolve every offset so a partition never blocks on one bad message.
 * Errors of the deduplicator itself (database down) and of the DLT write are thrown to the transport, which
 * redelivers from the first unresolved offset — an outage pauses consumption instead of dead-lettering everything.
 */
export class EventMessageProcessor {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly deps: ProcessorDependencies,
    private readonly handler: ProcessorHandler,
  ) {
    if (deps.dedupe && !deps.deduplicator) throw new Error(`consumer ${deps.groupId}: dedupe needs an EventDeduplicator`);
    this.sleep = deps.sleep ?? defaultSleep;
  }

  async process(records: InboundRecord[], control: BatchControl): Promise<void> {
    if (this.handler.kind === 'single') {
      let lastHeartbeat = Date.now();
      for (const record of records) {
        if (!control.isRunning()) return;
        await this.processOne(record, this.handler.handler, control);
        control.resolve(record.offset);
        if (Date.now() - lastHeartbeat >= HEARTBEAT_EVERY_MS) {
          await control.heartbeat();
          lastHeartbeat = Date.now();
        }
      }
      return;
    }
    const { handler, maxBatchSize } = this.handler;
    for (let start = 0; start < records.length; start += maxBatchSize) {
      if (!control.isRunning()) return;
      const chunk = records.slice(start, start + maxBatchSize);
      await this.processChunk(chunk, handler, control);
      control.resolve(chunk[chunk.length - 1].offset);
      await control.heartbeat();
    }
  }

  private async processOne(record: InboundRecord, handler: EventHandler, control: BatchControl): Promise<void> {
    const parsed = parseEvent(record.value);
    if (isParseFailure(parsed)) {
      await this.toDeadLetter(record, parsed.reason, parsed.message);
      return;
    }
    const correlationId = parsed.correlationId ?? record.headers[KafkaHeaders.CorrelationId];
    await CorrelationContext.run(correlationId, () => this.handleWithRetries(record, parsed, handler, control));
  }

  private async handleWithRetries(record: InboundRecord, event: ParsedEvent, handler: EventHandler, control: BatchControl): Promise<void> {
    const { groupId, metrics } = this.deps;
    const labels = { group: groupId, topic: record.topic };
    const meta: EventMeta = { topic: record.topic, partition: record.partition, offset: record.offset, headers: record.headers, groupId };
    for (let attempt = 0; ; attempt += 1) {
      const timer = metrics.handleDuration.startTimer(labels);
      try {
        const processed = await this.runOne(event, meta, handler);
        timer();
        (processed ? metrics.consumed : metrics.duplicates).inc(labels);
        return;
      } catch (error) {
        timer();
        if (!(error instanceof HandlerFailure)) throw error;
        const permanent = error.original instanceof PermanentEventError;
        if (permanent || attempt >= this.deps.maxRetries) {
          await this.toDeadLetter(record, 'HANDLER_FAILED', errorText(error.original), event.eventId);
          return;
        }
        metrics.handlerRetries.inc(labels);
        this.deps.logger.warn(
          `${groupId}: handler failed for ${event.type} ${event.eventId} (${record.topic}/${record.partition}@${record.offset}), ` +
            `retry ${attempt + 1}/${this.deps.maxRetries}: ${errorText(error.original)}`,
        );
        await this.sleep(this.deps.retryBackoffMs * 2 ** attempt);
        await control.heartbeat();
      }
    }
  }

  /** Returns false when the deduplicator found the event already processed. */
  private async runOne(event: ParsedEvent, meta: EventMeta, handler: EventHandler): Promise<boolean> {
    const call = async (manager?: EntityManager): Promise<void> => {
      try {
        await handler(event, manager ? { ...meta, manager } : meta);
      } catch (error) {
        throw new HandlerFailure(error);
      }
    };
    if (!this.deps.dedupe || !this.deps.deduplicator) {
      await call();
      return true;
    }
    return this.deps.deduplicator.claim(this.deps.groupId, event.eventId.toLowerCase(), call);
  }

  private async processChunk(records: InboundRecord[], handler: BatchEventHandler, control: BatchControl): Promise<void> {
    const valid: ValidRecord[] = [];
    for (const record of records) {
      const parsed = parseEvent(record.value);
      if (isParseFailure(parsed)) await this.toDeadLetter(record, parsed.reason, parsed.message);
      else valid.push({ record, event: parsed });
    }
    if (valid.length === 0) return;
    const { groupId, metrics } = this.deps;
    const labels = { group: groupId, topic: records[0].topic };
    for (let attempt = 0; ; attempt += 1) {
      const timer = metrics.handleDuration.startTimer(labels);
      try {
        await CorrelationContext.run(undefined, () => this.runBatch(valid, handler));
        timer();
        return;
      } catch (error) {
        timer();
        if (!(error instanceof HandlerFailure)) throw error;
        if (error.original instanceof PermanentEventError || attempt >= this.deps.maxRetries) break;
        metrics.handlerRetries.inc(labels);
        this.deps.logger.warn(`${groupId}: batch handler failed for ${valid.length} events, retry ${attempt + 1}: ${errorText(error.original)}`);
        await this.sleep(this.deps.retryBackoffMs * 2 ** attempt);
        await control.heartbeat();
      }
    }
    // The batch keeps failing: find the culprits one event at a time; those go to the DLT, the rest are handled.
    this.deps.logger.warn(`${groupId}: batch of ${valid.length} events keeps failing; handling them one by one`);
    for (const item of valid) {
      try {
        await CorrelationContext.run(item.event.correlationId, () => this.runBatch([item], handler));
      } catch (error) {
        if (!(error instanceof HandlerFailure)) throw error;
        await this.toDeadLetter(item.record, 'HANDLER_FAILED', errorText(error.original), item.event.eventId);
      }
    }
  }

  private async runBatch(items: ValidRecord[], handler: BatchEventHandler): Promise<void> {
    const { groupId, metrics } = this.deps;
    const first = items[0].record;
    const labels = { group: groupId, topic: first.topic };
    const toConsumed = (list: ValidRecord[]): ConsumedEvent[] =>
      list.map(({ record, event }) => ({
        event,
        meta: { topic: record.topic, partition: record.partition, offset: record.offset, headers: record.headers, groupId },
      }));
    const call = async (list: ValidRecord[], manager?: EntityManager): Promise<void> => {
      try {
        await handler(toConsumed(list), { topic: first.topic, partition: first.partition, groupId, manager });
      } catch (error) {
        throw new HandlerFailure(error);
      }
    };
    if (!this.deps.dedupe || !this.deps.deduplicator) {
      await call(items);
      metrics.consumed.inc(labels, items.length);
      return;
    }
    let handled = 0;
    await this.deps.deduplicator.claimMany(
      groupId,
      items.map((i) => i.event.eventId.toLowerCase()),
      async (manager, fresh) => {
        const seen = new Set<string>();
        const freshItems = items.filter((i) => {
          const id = i.event.eventId.toLowerCase();
          if (!fresh.has(id) || seen.has(id)) return false;
          seen.add(id);
          return true;
        });
        handled = freshItems.length;
        if (freshItems.length > 0) await call(freshItems, manager);
      },
    );
    if (handled > 0) metrics.consumed.inc(labels, handled);
    if (items.length > handled) metrics.duplicates.inc(labels, items.length - handled);
  }

  private async toDeadLetter(record: InboundRecord, reason: DeadLetterReason, error: string, eventId?: string): Promise<void> {
    const { groupId } = this.deps;
    this.deps.logger.warn(
      `${groupId}: dead-lettering ${record.topic}/${record.partition}@${record.offset}${eventId ? ` (event ${eventId})` : ''}: ${reason}: ${error}`,
    );
    await this.deps.deadLetter({ record, groupId, reason, error });
    this.deps.metrics.deadLettered.inc({ group: groupId, topic: record.topic, reason });
  }
}
