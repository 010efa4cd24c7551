import { MigrationInterface, QueryRunner } from 'typeorm';

/** The consumer-side deduplication table: one row per (consumer group, event) processed, written in the handler's transaction. */
export class KafkaProcessedEvents1763900100000 implements MigrationInterface {
  name = 'KafkaProcessedEvents1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE processed_events (
        consumer_group text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT processed_events_pkey PRIMARY KEY (consumer_group, event_id)
      )
    `);
    await queryRunner.query(`CREATE INDEX processed_events_processed_at_idx ON processed_events (processed_at)`);
    await queryRunner.query(
      `COMMENT ON TABLE processed_events IS 'Events each Kafka consumer group has processed; a redelivered event finds its row and is skipped'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS processed_events_processed_at_idx`);
    await queryRunner.query(`DROP TABLE IF EXISTS processed_events`);
  }
}
