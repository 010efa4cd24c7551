import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One event waiting to be (or already) published: written by OutboxWriter in the transaction of the change it
 * describes, published by OutboxRelay (table `outbox_events`, migration 1763900300000).
 */
@Entity({ name: 'outbox_events' })
export class OutboxEventEntity {
  /** bigserial: publication order. pg returns int8 as a string. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  /** Logical topic (Topics.*). */
  @Column({ type: 'text' })
  topic!: string;

  @Column({ name: 'aggregate_id', type: 'text' })
  aggregateId!: string;

  @Column({ type: 'jsonb' })
  envelope!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}

/** Entities of the outbox; add them to the service's entity list. */
export const OUTBOX_ENTITIES = [OutboxEventEntity];
