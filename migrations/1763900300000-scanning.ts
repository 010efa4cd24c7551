import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scanning: meals (one row per scan, the pass is derived from it), each canteen's pass-signing key pair, offline
 * confirmations of terminals, and the transactional outbox that carries meal events to Kafka.
 *
 * - One meal per diner and slot: the partial unique index `uq_meals_one_per_slot` (voided meals do not count), so
 *   concurrent double taps insert exactly one row (`INSERT … ON CONFLICT DO NOTHING`).
 * - Idempotency: `UNIQUE (diner_id, idempotency_key)`; `request_hash` tells a retry from a reuse of the key.
 * - `outbox_events`: written in the transaction of the change; a statement trigger NOTIFYs channel `outbox_events`
 *   so the relay wakes at once (it also polls). The partial index keeps "what is unpublished" cheap.
 * Hand-written SQL; `down` drops it all.
 */
export class Scanning1763900300000 implements MigrationInterface {
  name = 'Scanning1763900300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE meals (
        id uuid NOT NULL,
        diner_id uuid NOT NULL,
        diner_unit_id uuid NOT NULL,
        canteen_id uuid NOT NULL,
        canteen_owner_unit_id uuid NOT NULL,
        meal_date date NOT NULL,
        slot text NOT NULL,
        price_fen integer NOT NULL,
        payer text NOT NULL,
        is_visitor boolean NOT NULL,
        purpose text NOT NULL,
        scanned_at timestamptz NOT NULL,
        scan_latitude double precision NOT NULL,
        scan_longitude double precision NOT NULL,
        scan_accuracy_m real NULL,
        distance_m real NOT NULL,
        within_geofence boolean NOT NULL,
        code_version integer NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        status text NOT NULL DEFAULT 'issued',
        verified_at timestamptz NULL,
        verified_by_terminal_id uuid NULL,
        verified_offline boolean NOT NULL DEFAULT false,
        voided_at timestamptz NULL,
        void_reason text NULL,
        void_idempotency_key text NULL,
        CONSTRAINT pk_meals PRIMARY KEY (id),
        CONSTRAINT fk_meals_diner FOREIGN KEY (diner_id) REFERENCES staff (id),
        CONSTRAINT fk_meals_canteen FOREIGN KEY (canteen_id) REFERENCES canteens (id),
        CONSTRAINT uq_meals_idempotency UNIQUE (diner_id, idempotency_key),
        CONSTRAINT ck_meals_slot CHECK (slot IN ('breakfast', 'lunch', 'dinner')),
        CONSTRAINT ck_meals_price CHECK (price_fen >= 0),
        CONSTRAINT ck_meals_payer CHECK (payer IN ('self', 'unit')),
        CONSTRAINT ck_meals_purpose CHECK (purpose IN ('official', 'personal')),
        CONSTRAINT ck_meals_status CHECK (status IN ('issued', 'verified', 'voided')),
        CONSTRAINT ck_meals_idempotency_key CHECK (idempotency_key ~ '^[A-Za-z0-9_-]{8,64}$'),
        CONSTRAINT ck_meals_verified CHECK ((verified_at IS NULL) = (verified_by_terminal_id IS NULL)),
        CONSTRAINT ck_meals_voided CHECK ((status = 'voided') = (voided_at IS NOT NULL)),
        CONSTRAINT ck_meals_void_reason CHECK (void_reason IS NULL OR char_length(void_reason) BETWEEN 1 AND 200)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_meals_one_per_slot ON meals (diner_id, meal_date, slot) WHERE status <> 'voided'`);
    await queryRunner.query(`CREATE INDEX ix_meals_canteen_date ON meals (canteen_id, meal_date)`);
    await queryRunner.query(`CREATE INDEX ix_meals_diner_scanned ON meals (diner_id, scanned_at DESC)`);

    // Production would keep the private keys in a KMS/HSM and sign there; the table stands in for it.
    await queryRunner.query(`
      CREATE TABLE canteen_pass_keys (
        canteen_id uuid NOT NULL,
        kid text NOT NULL,
        private_key_pem text NOT NULL,
        public_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_canteen_pass_keys PRIMARY KEY (canteen_id),
        CONSTRAINT fk_canteen_pass_keys_canteen FOREIGN KEY (canteen_id) REFERENCES canteens (id),
        CONSTRAINT uq_canteen_pass_keys_kid UNIQUE (kid)
      )`);

    await queryRunner.query(`
      CREATE TABLE terminal_confirmations (
        confirmation_id uuid NOT NULL,
        terminal_id uuid NOT NULL,
        meal_id uuid NULL,
        verified_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        outcome text NOT NULL,
        code text NULL,
        message text NULL,
        CONSTRAINT pk_terminal_confirmations PRIMARY KEY (confirmation_id),
        CONSTRAINT ck_terminal_confirmations_outcome CHECK (outcome IN ('accepted', 'duplicate', 'refused'))
      )`);
    await queryRunner.query(`CREATE INDEX ix_terminal_confirmations_meal ON terminal_confirmations (meal_id)`);

    await queryRunner.query(`
      CREATE TABLE outbox_events (
        id bigserial NOT NULL,
        event_id uuid NOT NULL,
        topic text NOT NULL,
        aggregate_id text NOT NULL,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz NULL,
        CONSTRAINT pk_outbox_events PRIMARY KEY (id),
        CONSTRAINT uq_outbox_events_event_id UNIQUE (event_id)
      )`);
    await queryRunner.query(`CREATE INDEX ix_outbox_events_unpublished ON outbox_events (id) WHERE published_at IS NULL`);
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

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS outbox_events`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS outbox_events_notify()`);
    await queryRunner.query(`DROP TABLE IF EXISTS terminal_confirmations`);
    await queryRunner.query(`DROP TABLE IF EXISTS canteen_pass_keys`);
    await queryRunner.query(`DROP TABLE IF EXISTS meals`);
  }
}
