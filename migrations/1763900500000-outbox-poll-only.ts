import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops the NOTIFY trigger on outbox_events. PostgreSQL serialises the commits of transactions that NOTIFY (a
 * global lock at commit), which held the scan path below the lunch-rush target; the relay now polls every 100 ms,
 * which also gathers a rush's rows into few drains.
 */
export class OutboxPollOnly1763900500000 implements MigrationInterface {
  name = 'OutboxPollOnly1763900500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS outbox_events_notify ON outbox_events`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS outbox_events_notify()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox_events', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events
      FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_notify()`);
  }
}
