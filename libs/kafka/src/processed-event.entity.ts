import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One event a consumer group has processed (table `processed_events`, migration 1763900100000). */
@Entity({ name: 'processed_events' })
export class ProcessedEventEntity {
  @PrimaryColumn({ name: 'consumer_group', type: 'text' })
  consumerGroup!: string;

  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' })
  processedAt!: Date;
}

/** Entities the kafka lib maps; add them to the service's entity list. */
export const KAFKA_ENTITIES = [ProcessedEventEntity];
