import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Risk model 6 v2 and topic replays: a covering partial index for the canteen visitor-surge half of 异常聚集
 * (visitor meals and active days per canteen and day are then an index-only scan), the new canteen thresholds
 * added to the stored settings of `unusual-flow` (the values the model assumes by default; the revision is kept
 * because the effective settings do not change), and `risk_replay_runs`, the reports of shadow replays of the
 * input topics (which never write warnings or cases).
 */
export class RiskReplay1763900800000 implements MigrationInterface {
  name = 'RiskReplay1763900800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX ix_risk_meal_facts_canteen_day ON risk_meal_facts (canteen_id, meal_date) INCLUDE (diner_unit_id, canteen_owner_unit_id) WHERE voided_at IS NULL`,
    );
    await queryRunner.query(
      `UPDATE risk_model_settings SET thresholds = '{"canteenMinVisitors": 30, "canteenFactor": 3, "canteenMinHistoryDays": 5}'::jsonb || thresholds
       WHERE model_key = 'unusual-flow'`,
    );
    await queryRunner.query(`
      CREATE TABLE risk_replay_runs (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        consumer_group text NOT NULL,
        status text NOT NULL,
        models text[] NOT NULL,
        date_from date NULL,
        date_to date NULL,
        requested_by text NOT NULL,
        target_offsets jsonb NOT NULL,
        events_consumed bigint NOT NULL DEFAULT 0,
        triggers_evaluated bigint NOT NULL DEFAULT 0,
        result jsonb NULL,
        error text NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz NULL,
        CONSTRAINT pk_risk_replay_runs PRIMARY KEY (id),
        CONSTRAINT uq_risk_replay_runs_group UNIQUE (consumer_group),
        CONSTRAINT ck_risk_replay_runs_status CHECK (status IN ('running', 'completed', 'failed', 'cancelled'))
      )
    `);
    await queryRunner.query(`CREATE INDEX ix_risk_replay_runs_started ON risk_replay_runs (started_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE risk_replay_runs`);
    await queryRunner.query(
      `UPDATE risk_model_settings SET thresholds = thresholds - 'canteenMinVisitors' - 'canteenFactor' - 'canteenMinHistoryDays' WHERE model_key = 'unusual-flow'`,
    );
    await queryRunner.query(`DROP INDEX ix_risk_meal_facts_canteen_day`);
  }
}
