import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inspectors' console: the case workflow (status and resolution constraints, assignment time, severity rank for
 * sorting, queue indexes), inspector leads, the append-only audit trail (a trigger refuses UPDATE, DELETE and
 * TRUNCATE), notes, attachments (small files in bytea) and model snoozes per subject.
 */
export class InspectorConsole1763900700000 implements MigrationInterface {
  name = 'InspectorConsole1763900700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE risk_cases
        ADD COLUMN assigned_at timestamptz NULL,
        ADD COLUMN severity_rank smallint GENERATED ALWAYS AS (
          CASE severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'critical' THEN 4 ELSE 0 END) STORED,
        ADD CONSTRAINT ck_risk_cases_status CHECK (status IN ('new', 'assigned', 'investigating', 'closed')),
        ADD CONSTRAINT ck_risk_cases_resolution CHECK (
          (status = 'closed' AND closed_at IS NOT NULL AND resolution IN ('confirmed', 'dismissed', 'inconclusive'))
          OR (status <> 'closed' AND closed_at IS NULL AND resolution IS NULL)),
        ADD CONSTRAINT ck_risk_cases_assignee CHECK (status NOT IN ('assigned', 'investigating') OR assignee_id IS NOT NULL)
    `);
    // The queue: jurisdiction (region prefix LIKE needs pattern ops), status, assignee and the sort keys.
    await queryRunner.query(`CREATE INDEX ix_risk_cases_region_prefix ON risk_cases (region_code varchar_pattern_ops, last_warning_at DESC, id)`);
    await queryRunner.query(`CREATE INDEX ix_risk_cases_status_last ON risk_cases (status, last_warning_at DESC, id)`);
    await queryRunner.query(`CREATE INDEX ix_risk_cases_assignee ON risk_cases (assignee_id, status, last_warning_at DESC) WHERE assignee_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX ix_risk_cases_last ON risk_cases (last_warning_at DESC, id)`);
    await queryRunner.query(`CREATE INDEX ix_risk_cases_open_last ON risk_cases (last_warning_at DESC, id) WHERE closed_at IS NULL`);
    await queryRunner.query(`CREATE INDEX ix_risk_cases_subject ON risk_cases (subject_id)`);
    // "Take the next case": the most severe, oldest new case first.
    await queryRunner.query(`CREATE INDEX ix_risk_cases_take_next ON risk_cases (severity_rank DESC, first_warning_at, id) WHERE status = 'new'`);
    await queryRunner.query(`CREATE INDEX ix_risk_cases_closed ON risk_cases (model_key, resolution, closed_at) WHERE closed_at IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE risk_inspector_leads (
        staff_id uuid NOT NULL,
        granted_by uuid NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_risk_inspector_leads PRIMARY KEY (staff_id),
        CONSTRAINT fk_risk_inspector_leads_staff FOREIGN KEY (staff_id) REFERENCES staff (id)
      )
    `);

    await queryRunner.query(`
      CREATE TABLE risk_case_audit (
        id bigint GENERATED ALWAYS AS IDENTITY,
        case_id uuid NULL,
        actor_id uuid NOT NULL,
        actor_name text NOT NULL,
        action text NOT NULL,
        changes jsonb NOT NULL DEFAULT '{}'::jsonb,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        correlation_id text NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT pk_risk_case_audit PRIMARY KEY (id),
        CONSTRAINT fk_risk_case_audit_case FOREIGN KEY (case_id) REFERENCES risk_cases (id)
      )
    `);
    await queryRunner.query(`CREATE INDEX ix_risk_case_audit_case ON risk_case_audit (case_id, id)`);
    await queryRunner.query(`
      CREATE FUNCTION risk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$
    `);
    await queryRunner.query(`CREATE TRIGGER tg_risk_case_audit_append_only BEFORE UPDATE OR DELETE ON risk_case_audit FOR EACH ROW EXECUTE FUNCTION risk_refuse_change()`);
    await queryRunner.query(`CREATE TRIGGER tg_risk_case_audit_no_truncate BEFORE TRUNCATE ON risk_case_audit FOR EACH STATEMENT EXECUTE FUNCTION risk_refuse_change()`);

    await queryRunner.query(`
      CREATE TABLE risk_case_notes (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        author_id uuid NOT NULL,
        author_name text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_risk_case_notes PRIMARY KEY (id),
        CONSTRAINT fk_risk_case_notes_case FOREIGN KEY (case_id) REFERENCES risk_cases (id),
        CONSTRAINT ck_risk_case_notes_body CHECK (char_length(body) BETWEEN 1 AND 2000)
      )
    `);
    await queryRunner.query(`CREATE INDEX ix_risk_case_notes_case ON risk_case_notes (case_id, created_at)`);
    await queryRunner.query(`CREATE TRIGGER tg_risk_case_notes_append_only BEFORE UPDATE OR DELETE ON risk_case_notes FOR EACH ROW EXECUTE FUNCTION risk_refuse_change()`);

    await queryRunner.query(`
      CREATE TABLE risk_case_attachments (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL,
        file_name text NOT NULL,
        content_type text NOT NULL,
        size_bytes integer NOT NULL,
        sha256 char(64) NOT NULL,
        content bytea NOT NULL,
        uploaded_by uuid NOT NULL,
        uploaded_by_name text NOT NULL,
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_risk_case_attachments PRIMARY KEY (id),
        CONSTRAINT fk_risk_case_attachments_case FOREIGN KEY (case_id) REFERENCES risk_cases (id),
        CONSTRAINT ck_risk_case_attachments_size CHECK (size_bytes BETWEEN 1 AND 524288 AND octet_length(content) = size_bytes)
      )
    `);
    await queryRunner.query(`CREATE INDEX ix_risk_case_attachments_case ON risk_case_attachments (case_id, uploaded_at)`);
    await queryRunner.query(`CREATE TRIGGER tg_risk_case_attachments_append_only BEFORE UPDATE OR DELETE ON risk_case_attachments FOR EACH ROW EXECUTE FUNCTION risk_refuse_change()`);

    await queryRunner.query(`
      CREATE TABLE risk_snoozes (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        model_key text NOT NULL,
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        subject_name text NULL,
        region_code varchar(12) NOT NULL,
        case_id uuid NULL,
        reason text NOT NULL,
        until_date date NOT NULL,
        created_by uuid NOT NULL,
        created_by_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        lifted_at timestamptz NULL,
        lifted_by uuid NULL,
        suppressed_count integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_risk_snoozes PRIMARY KEY (id),
        CONSTRAINT fk_risk_snoozes_case FOREIGN KEY (case_id) REFERENCES risk_cases (id),
        CONSTRAINT ck_risk_snoozes_reason CHECK (char_length(reason) BETWEEN 1 AND 500)
      )
    `);
    // At most one active snooze per model and subject.
    await queryRunner.query(`CREATE UNIQUE INDEX uq_risk_snoozes_active ON risk_snoozes (model_key, subject_type, subject_id) WHERE lifted_at IS NULL`);
    await queryRunner.query(`CREATE INDEX ix_risk_snoozes_region ON risk_snoozes (region_code varchar_pattern_ops, created_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['risk_snoozes', 'risk_case_attachments', 'risk_case_notes', 'risk_case_audit', 'risk_inspector_leads']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION IF EXISTS risk_refuse_change()`);
    for (const index of ['ix_risk_cases_region_prefix', 'ix_risk_cases_status_last', 'ix_risk_cases_assignee', 'ix_risk_cases_last', 'ix_risk_cases_open_last', 'ix_risk_cases_subject', 'ix_risk_cases_take_next', 'ix_risk_cases_closed']) {
      await queryRunner.query(`DROP INDEX IF EXISTS ${index}`);
    }
    await queryRunner.query(`
      ALTER TABLE risk_cases
        DROP CONSTRAINT IF EXISTS ck_risk_cases_assignee,
        DROP CONSTRAINT IF EXISTS ck_risk_cases_resolution,
        DROP CONSTRAINT IF EXISTS ck_risk_cases_status,
        DROP COLUMN IF EXISTS severity_rank,
        DROP COLUMN IF EXISTS assigned_at
    `);
  }
}
