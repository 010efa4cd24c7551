import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The risk service's own tables: the facts it collides (meals, allowance claims, reception records), the warning
 * model settings (seeded with defaults), the warnings and the cases they are grouped into.
 */
export class Risk1763900400000 implements MigrationInterface {
  name = 'Risk1763900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE risk_meal_facts (
        meal_id uuid NOT NULL,
        event_id uuid NOT NULL,
        diner_id text NOT NULL,
        diner_unit_id text NOT NULL,
        diner_region_code varchar(12) NOT NULL,
        canteen_id text NOT NULL,
        canteen_owner_unit_id text NOT NULL,
        canteen_region_code varchar(12) NOT NULL,
        slot text NOT NULL,
        meal_date date NOT NULL,
        scanned_at timestamptz NOT NULL,
        price_fen bigint NOT NULL,
        payer text NOT NULL,
        payment_kind text NOT NULL,
        scan_latitude double precision NOT NULL,
        scan_longitude double precision NOT NULL,
        distance_meters double precision NOT NULL,
        within_geofence boolean NOT NULL,
        voided_at timestamptz NULL,
        void_event_id uuid NULL,
        CONSTRAINT pk_risk_meal_facts PRIMARY KEY (meal_id)
      )
    `);
    await queryRunner.query(`CREATE INDEX ix_risk_meal_facts_diner_slot ON risk_meal_facts (diner_id, meal_date, slot)`);
    await queryRunner.query(`CREATE INDEX ix_risk_meal_facts_diner_scanned ON risk_meal_facts (diner_id, scanned_at)`);
    await queryRunner.query(`CREATE INDEX ix_risk_meal_facts_pair_day ON risk_meal_facts (diner_unit_id, canteen_owner_unit_id, meal_date)`);
    await queryRunner.query(`CREATE INDEX ix_risk_meal_facts_meal_date ON risk_meal_facts (meal_date)`);

    await queryRunner.query(`
      CREATE TABLE risk_meal_voids (
        meal_id uuid NOT NULL,
        event_id uuid NOT NULL,
        voided_at timestamptz NOT NULL,
        CONSTRAINT pk_risk_meal_voids PRIMARY KEY (meal_id)
      )
    `);

    await queryRunner.query(`
      CREATE TABLE risk_allowance_claims (
        claim_id text NOT NULL,
        event_id uuid NOT NULL,
        diner_id text NOT NULL,
        diner_unit_id text NOT NULL,
        trip_start date NOT NULL,
        trip_end date NOT NULL,
        destination_region_code varchar(12) NOT NULL,
        days integer NOT NULL,
        allowance_fen bigint NOT NULL,
        status text NOT NULL,
        occurred_at timestamptz NOT NULL,
        CONSTRAINT pk_risk_allowance_claims PRIMARY KEY (claim_id),
        CONSTRAINT ck_risk_allowance_claims_range CHECK (trip_end >= trip_start)
      )
    `);
    await queryRunner.query(`CREATE INDEX ix_risk_allowance_claims_diner ON risk_allowance_claims (diner_id, trip_start, trip_end)`);

    await queryRunner.query(`
      CREATE TABLE risk_reception_records (
        record_id text NOT NULL,
        event_id uuid NOT NULL,
        host_unit_id text NOT NULL,
        guest_unit_ids text[] NOT NULL,
        date date NOT NULL,
        headcount integer NOT NULL,
        amount_fen bigint NOT NULL,
        official_letter_ref text NULL,
        place text NOT NULL,
        occurred_at timestamptz NOT NULL,
        CONSTRAINT pk_risk_reception_records PRIMARY KEY (record_id)
      )
    `);
    await queryRunner.query(`CREATE INDEX ix_risk_reception_records_date ON risk_reception_records (date)`);
    await queryRunner.query(`CREATE INDEX ix_risk_reception_records_host ON risk_reception_records (host_unit_id, date)`);

    await queryRunner.query(`
      CREATE TABLE risk_model_settings (
        model_key text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        severity text NOT NULL,
        thresholds jsonb NOT NULL,
        scope text NOT NULL DEFAULT 'all',
        revision integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NULL,
        CONSTRAINT pk_risk_model_settings PRIMARY KEY (model_key),
        CONSTRAINT ck_risk_model_settings_severity CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        CONSTRAINT ck_risk_model_settings_scope CHECK (scope = 'all' OR scope ~ '^[0-9]{2,12}$')
      )
    `);
    await queryRunner.query(`
      INSERT INTO risk_model_settings (model_key, severity, thresholds) VALUES
        ('two-meals-one-slot', 'medium', '{"maxMealsPerSlot": 1}'),
        ('duplicate-subsidy', 'high', '{"includeSubmittedClaims": true, "minOverlapDays": 1}'),
        ('proxy-or-fake-scan', 'high', '{"distanceToleranceMeters": 0, "maxSpeedKmh": 120, "minJumpKm": 1, "pairWindowHours": 12}'),
        ('same-city-reception', 'medium', '{"cityPrefixLength": 4, "severityWithoutLetter": "high"}'),
        ('mutual-treating', 'high', '{"windowDays": 30, "maxCycleLength": 4, "sameCityOnly": true, "cityPrefixLength": 4}'),
        ('unusual-flow', 'low', '{"minCount": 10, "factor": 3, "baselineDays": 28}')
    `);

    await queryRunner.query(`
      CREATE TABLE risk_cases (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        model_key text NOT NULL,
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        subject_name text NULL,
        region_code varchar(12) NOT NULL,
        status text NOT NULL DEFAULT 'new',
        severity text NOT NULL,
        assignee_id uuid NULL,
        warning_count integer NOT NULL DEFAULT 0,
        first_warning_at timestamptz NOT NULL,
        last_warning_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz NULL,
        resolution text NULL,
        CONSTRAINT pk_risk_cases PRIMARY KEY (id),
        CONSTRAINT ck_risk_cases_severity CHECK (severity IN ('low', 'medium', 'high', 'critical'))
      )
    `);
    // One open case per (model, subject): a closed case has closed_at set, whatever its final status is called.
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_risk_cases_open_subject ON risk_cases (model_key, subject_type, subject_id) WHERE closed_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX ix_risk_cases_region_status ON risk_cases (region_code, status, last_warning_at DESC)`);
    await queryRunner.query(`CREATE INDEX ix_risk_cases_model_status ON risk_cases (model_key, status, last_warning_at DESC)`);

    await queryRunner.query(`
      CREATE TABLE risk_warnings (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        model_key text NOT NULL,
        model_version text NOT NULL,
        settings_revision integer NOT NULL,
        thresholds jsonb NOT NULL,
        severity text NOT NULL,
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        subject_name text NULL,
        region_code varchar(12) NOT NULL,
        dedupe_key text NOT NULL,
        evidence jsonb NOT NULL,
        explanation text NOT NULL,
        trigger_event_id uuid NOT NULL,
        business_date date NOT NULL,
        case_id uuid NULL,
        raised_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_risk_warnings PRIMARY KEY (id),
        CONSTRAINT uq_risk_warnings_dedupe_key UNIQUE (dedupe_key),
        CONSTRAINT fk_risk_warnings_case FOREIGN KEY (case_id) REFERENCES risk_cases (id),
        CONSTRAINT ck_risk_warnings_severity CHECK (severity IN ('low', 'medium', 'high', 'critical'))
      )
    `);
    await queryRunner.query(`CREATE INDEX ix_risk_warnings_case ON risk_warnings (case_id, raised_at)`);
    await queryRunner.query(`CREATE INDEX ix_risk_warnings_model_date ON risk_warnings (model_key, business_date)`);
    await queryRunner.query(`CREATE INDEX ix_risk_warnings_subject ON risk_warnings (subject_id, raised_at DESC)`);
    await queryRunner.query(`CREATE INDEX ix_risk_warnings_region ON risk_warnings (region_code, raised_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['risk_warnings', 'risk_cases', 'risk_model_settings', 'risk_reception_records', 'risk_allowance_claims', 'risk_meal_voids', 'risk_meal_facts']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
