import { Injectable } from '@nestjs/common';
import { assertValidEvent, EVENT_TOPICS, EventEnvelope, EventType, ParsedEvent, stampProducer } from '@meal/contracts';
import { CorrelationContext } from '@meal/platform';
import { EventTransport } from './event-transport';
import { KafkaMetrics } from './kafka-metrics';
import { KafkaHeaders, OutgoingMessage } from './kafka.types';

/**
 * Publishes event envelopes: each is validated against its contract (a bad event throws ContractValidationError
 * before anything is sent), gets the current correlation id when it has none, and is keyed by its aggregateId.
 */
@Injectable()
export class EventPublisher {
  constructor(
    private readonly transport: EventTransport,
    private readonly metrics: KafkaMetrics,
  ) {}

  /** Publishes the envelopes to `topic` (a logical name, Topics.*) and resolves when the broker acknowledged all. */
  async publish(topic: string, envelopes: readonly EventEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    const messages = envelopes.map((envelope) => this.toMessage(envelope, topic));
    await this.transport.publish(topic, messages);
    this.metrics.published.inc({ topic }, messages.length);
  }

  /** Publishes each event on the topic of its type (EVENT_TOPICS), one batch per topic. */
  async publishEvents(envelopes: readonly ParsedEvent[]): Promise<void> {
    const byTopic = new Map<string, ParsedEvent[]>();
    for (const envelope of envelopes) {
      const topic = EVENT_TOPICS[envelope.type as EventType];
      if (!topic) throw new Error(`no topic is known for event type ${String(envelope.type)}`);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), envelope]);
    }
    await Promise.all([...byTopic].map(([topic, list]) => this.publish(topic, list)));
  }

  private toMessage(envelope: EventEnvelope, topic: string): OutgoingMessage {
    const correlationId = envelope.correlationId ?? CorrelationContext.current();
    const full = stampProducer(correlationId === undefined ? envelope : { ...envelope, correlationId }, topic);
    assertValidEvent(full);
    const headers: Record<string, string> = {
      [KafkaHeaders.EventType]: full.type,
      [KafkaHeaders.EventVersion]: String(full.version),
      [KafkaHeaders.EventId]: full.eventId,
      [KafkaHeaders.ContentType]: 'application/json',
    };
    if (correlationId !== undefined) headers[KafkaHeaders.CorrelationId] = correlationId;
    return { key: full.aggregateId, value: JSON.stringify(full), headers };
  }
}
