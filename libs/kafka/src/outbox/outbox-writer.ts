import { Injectable } from '@nestjs/common';
import { assertValidEvent, EVENT_TOPICS, EventEnvelope, EventType, stampProducer } from '@meal/contracts';
import { CorrelationContext } from '@meal/platform';

/** Anything that runs SQL in the caller's transaction: a TypeORM EntityManager or QueryRunner, or a pg client. */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** One outbox row as the INSERT takes it (for statements that write the row themselves, e.g. a CTE). */
export interface OutboxRow {
  eventId: string;
  topic: string;
  aggregateId: string;
  /** The envelope as JSON text (cast to jsonb by the statement). */
  envelope: string;
}

/**
 * Writes events into `outbox_events` inside the caller's transaction, so the event exists if and only if the change
 * it describes committed. Each envelope is validated against its contract first (a bad event fails the caller's
 * transaction instead of blocking the relay later) and gets the current correlation id when it has none.
 */
@Injectable()
export class OutboxWriter {
  /** Validates an envelope and returns its row; the topic is the event type's (EVENT_TOPICS) unless given. */
  rowOf(envelope: EventEnvelope, topic?: string): OutboxRow {
    const correlationId = envelope.correlationId ?? CorrelationContext.current();
    const resolvedTopic = topic ?? EVENT_TOPICS[envelope.type as EventType];
    if (!resolvedTopic) throw new Error(`no topic is known for event type ${envelope.type}`);
    const full = stampProducer(correlationId === undefined ? envelope : { ...envelope, correlationId }, resolvedTopic);
    assertValidEvent(full);
    return { eventId: full.eventId, topic: resolvedTopic, aggregateId: full.aggregateId, envelope: JSON.stringify(full) };
  }

  /** Inserts the envelopes (in order) with the caller's executor, i.e. in the caller's transaction. */
  async write(executor: SqlExecutor, envelopes: readonly EventEnvelope[], topic?: string): Promise<void> {
    if (envelopes.length === 0) return;
    const rows = envelopes.map((e) => this.rowOf(e, topic));
    await executor.query(OUTBOX_INSERT_SQL, [
      rows.map((r) => r.eventId),
      rows.map((r) => r.topic),
      rows.map((r) => r.aggregateId),
      rows.map((r) => r.envelope),
    ]);
  }
}

/** Inserts rows given as parallel arrays, keeping their order in the bigserial ids. */
export const OUTBOX_INSERT_SQL = `
  INSERT INTO outbox_events (event_id, topic, aggregate_id, envelope)
  SELECT e, t, a, v::jsonb FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS x(e, t, a, v, n)
  ORDER BY n`;
