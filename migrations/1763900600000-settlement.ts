import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cross-district settlement through the clearing company (国资公司): a double-entry ledger, daily and monthly
 * settlement periods, netting, statements with an approval flow.
 *
 * - `settlement_accounts`: one per unit, per district (county-level region; city-level units settle under the city
 *   code, 市本级), the clearing company and the diners (the counter-account of self-paid meals).
 * - `settlement_periods`: a row exists only for a CLOSED period (day or month), with its frozen totals. Unique per
 *   (kind, period_start) — together with an advisory lock this makes closing idempotent and safe concurrently.
 * - `settlement_ledger_entries`: append-only; every posting of a day period balances (sum 0 per period and book).
 *   Sign: amount > 0 = the account is owed (a claim on the clearing company), < 0 = the account owes; `side` says
 *   which (so a zero-priced meal still counts on the right side).
 * - Which meals a day period holds is frozen at close: the meals of that Asia/Shanghai date minus the ones voided at
 *   that moment (`settlement_excluded_meals`, keyed by meal). A meal voided after its day closed stays in the period
 *   and gets exactly one reversal (`settlement_reversals`, keyed by meal) in the next day period closed after it.
 * - `settlement_pair_totals`: the bilateral (payer unit → canteen owner unit) gross of a month, the lines of statements.
 * - `settlement_statements`: one per (month, unit) and (month, district); only the approval columns ever change.
 * - On `meals` (additive): a BRIN index on meal_date (closing a day reads only that day's blocks), a partial index of
 *   voided meals, partial indexes of unit-paid meals by payer and owner unit (statement lines), and guards that refuse
 *   inserting, deleting or re-pricing a meal of a closed day (the guard takes the settlement lock in shared mode, so it
 *   waits for a close in progress).
 * Hand-written SQL; `down` drops it all.
 */
export class Settlement1763900600000 implements MigrationInterface {
  name = 'Settlement1763900600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE settlement_accounts (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        unit_id uuid NULL,
        region_code varchar(12) NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_settlement_accounts PRIMARY KEY (id),
        CONSTRAINT fk_settlement_accounts_unit FOREIGN KEY (unit_id) REFERENCES units (id),
        CONSTRAINT fk_settlement_accounts_region FOREIGN KEY (region_code) REFERENCES regions (code),
        CONSTRAINT ck_settlement_accounts_kind CHECK (kind IN ('clearing', 'diners', 'district', 'unit')),
        CONSTRAINT ck_settlement_accounts_party CHECK (
          (kind = 'unit' AND unit_id IS NOT NULL AND region_code IS NULL)
          OR (kind = 'district' AND region_code IS NOT NULL AND unit_id IS NULL)
          OR (kind IN ('clearing', 'diners') AND unit_id IS NULL AND region_code IS NULL))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_settlement_accounts_unit ON settlement_accounts (unit_id) WHERE kind = 'unit'`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_settlement_accounts_district ON settlement_accounts (region_code) WHERE kind = 'district'`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_settlement_accounts_singleton ON settlement_accounts (kind) WHERE kind IN ('clearing', 'diners')`);
    await queryRunner.query(`
      INSERT INTO settlement_accounts (id, kind, name) VALUES
        ('00000000-0000-4000-8000-0000000c1ea7', 'clearing', '国资公司（清算中心）'),
        ('00000000-0000-4000-8000-0000000d1e75', 'diners', '个人支付（用餐人）')`);

    // The district of a region: its county-level ancestor (or itself); a city-level region is its own district (市本级).
    await queryRunner.query(`
      CREATE VIEW settlement_region_districts AS
      WITH RECURSIVE up AS (
        SELECT r.code AS region_code, r.code AS ancestor, r.level, r.parent_code FROM regions r
        UNION ALL
        SELECT up.region_code, p.code, p.level, p.parent_code FROM up JOIN regions p ON p.code = up.parent_code
        WHERE up.level NOT IN ('county', 'city')
      )
      SELECT region_code, ancestor AS district_code FROM up WHERE level IN ('county', 'city')`);

    await queryRunner.query(`
      CREATE TABLE settlement_periods (
        id uuid NOT NULL,
        kind text NOT NULL,
        period_start date NOT NULL,
        period_end date NOT NULL,
        month_start date NOT NULL,
        status text NOT NULL DEFAULT 'closed',
        closed_at timestamptz NOT NULL,
        closed_by uuid NULL,
        closed_by_name text NOT NULL,
        unit_paid_count integer NOT NULL,
        unit_paid_fen bigint NOT NULL,
        self_paid_count integer NOT NULL,
        self_paid_fen bigint NOT NULL,
        voided_excluded_count integer NOT NULL,
        reversal_count integer NOT NULL,
        reversal_fen bigint NOT NULL,
        self_reversal_count integer NOT NULL,
        self_reversal_fen bigint NOT NULL,
        unit_bilateral_pairs integer NOT NULL,
        unit_net_transfers integer NOT NULL,
        district_bilateral_pairs integer NOT NULL,
        district_net_transfers integer NOT NULL,
        statement_count integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_settlement_periods PRIMARY KEY (id),
        CONSTRAINT uq_settlement_periods_kind_start UNIQUE (kind, period_start),
        CONSTRAINT ck_settlement_periods_kind CHECK (kind IN ('day', 'month')),
        CONSTRAINT ck_settlement_periods_status CHECK (status = 'closed'),
        CONSTRAINT ck_settlement_periods_range CHECK (
          (kind = 'day' AND period_end = period_start AND month_start = date_trunc('month', period_start)::date)
          OR (kind = 'month' AND period_start = month_start AND period_start = date_trunc('month', period_start)::date
              AND period_end = (period_start + interval '1 month' - interval '1 day')::date)),
        CONSTRAINT ck_settlement_periods_amounts CHECK (unit_paid_count >= 0 AND unit_paid_fen >= 0 AND self_paid_count >= 0 AND self_paid_fen >= 0
          AND reversal_count >= 0 AND reversal_fen >= 0 AND self_reversal_count >= 0 AND self_reversal_fen >= 0)
      )`);
    await queryRunner.query(`CREATE INDEX ix_settlement_periods_month ON settlement_periods (month_start, kind)`);

    await queryRunner.query(`
      CREATE TABLE settlement_excluded_meals (
        meal_id uuid NOT NULL,
        period_id uuid NOT NULL,
        meal_date date NOT NULL,
        CONSTRAINT pk_settlement_excluded_meals PRIMARY KEY (meal_id),
        CONSTRAINT fk_settlement_excluded_meals_period FOREIGN KEY (period_id) REFERENCES settlement_periods (id)
      )`);
    await queryRunner.query(`CREATE INDEX ix_settlement_excluded_meals_period ON settlement_excluded_meals (period_id)`);

    await queryRunner.query(`
      CREATE TABLE settlement_reversals (
        meal_id uuid NOT NULL,
        period_id uuid NOT NULL,
        original_period_id uuid NOT NULL,
        meal_date date NOT NULL,
        payer text NOT NULL,
        payer_unit_id uuid NULL,
        owner_unit_id uuid NOT NULL,
        amount_fen integer NOT NULL,
        voided_at timestamptz NOT NULL,
        CONSTRAINT pk_settlement_reversals PRIMARY KEY (meal_id),
        CONSTRAINT fk_settlement_reversals_period FOREIGN KEY (period_id) REFERENCES settlement_periods (id),
        CONSTRAINT fk_settlement_reversals_original FOREIGN KEY (original_period_id) REFERENCES settlement_periods (id),
        CONSTRAINT ck_settlement_reversals_payer CHECK ((payer = 'unit') = (payer_unit_id IS NOT NULL) AND payer IN ('unit', 'self')),
        CONSTRAINT ck_settlement_reversals_later CHECK (period_id <> original_period_id)
      )`);
    await queryRunner.query(`CREATE INDEX ix_settlement_reversals_period ON settlement_reversals (period_id)`);

    await queryRunner.query(`
      CREATE TABLE settlement_ledger_entries (
        period_id uuid NOT NULL,
        book text NOT NULL,
        posting text NOT NULL,
        account_id uuid NOT NULL,
        side text NOT NULL,
        amount_fen bigint NOT NULL,
        meal_count integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- No foreign keys and no surrogate id (hundreds of thousands of rows per month close; per-row RI checks and a second
        -- index doubled its cost): entries are written only by the close, in the transaction that writes their period and
        -- accounts (the tests check it), one per (period, book, account, posting, side) — the natural key.
        CONSTRAINT pk_settlement_ledger_entries PRIMARY KEY (period_id, book, account_id, posting, side),
        CONSTRAINT ck_settlement_ledger_entries_book CHECK (book IN ('unit', 'district', 'self')),
        CONSTRAINT ck_settlement_ledger_entries_posting CHECK (posting IN ('unit-paid', 'self-paid', 'reversal')),
        CONSTRAINT ck_settlement_ledger_entries_count CHECK (meal_count >= 0),
        CONSTRAINT ck_settlement_ledger_entries_side CHECK ((side = 'owes' AND amount_fen <= 0) OR (side = 'owed' AND amount_fen >= 0))
      )`);
    await queryRunner.query(`CREATE INDEX ix_settlement_ledger_entries_account ON settlement_ledger_entries (account_id)`);

    await queryRunner.query(`
      CREATE TABLE settlement_pair_totals (
        period_id uuid NOT NULL,
        payer_unit_id uuid NOT NULL,
        owner_unit_id uuid NOT NULL,
        meal_count integer NOT NULL,
        amount_fen bigint NOT NULL,
        reversal_count integer NOT NULL,
        reversal_fen bigint NOT NULL,
        CONSTRAINT pk_settlement_pair_totals PRIMARY KEY (period_id, payer_unit_id, owner_unit_id),
        CONSTRAINT fk_settlement_pair_totals_period FOREIGN KEY (period_id) REFERENCES settlement_periods (id)
      )`);
    await queryRunner.query(`CREATE INDEX ix_settlement_pair_totals_owner ON settlement_pair_totals (period_id, owner_unit_id)`);

    await queryRunner.query(`
      CREATE TABLE settlement_statements (
        id uuid NOT NULL,
        period_id uuid NOT NULL,
        party_type text NOT NULL,
        unit_id uuid NULL,
        region_code varchar(12) NOT NULL,
        district_code varchar(12) NOT NULL,
        party_name text NOT NULL,
        payable_count integer NOT NULL,
        payable_fen bigint NOT NULL,
        receivable_count integer NOT NULL,
        receivable_fen bigint NOT NULL,
        reversal_payable_count integer NOT NULL,
        reversal_payable_fen bigint NOT NULL,
        reversal_receivable_count integer NOT NULL,
        reversal_receivable_fen bigint NOT NULL,
        self_collected_count integer NOT NULL,
        self_collected_fen bigint NOT NULL,
        net_fen bigint NOT NULL,
        status text NOT NULL DEFAULT 'prepared',
        prepared_at timestamptz NOT NULL,
        approved_at timestamptz NULL,
        approved_by uuid NULL,
        approved_by_name text NULL,
        paid_at timestamptz NULL,
        paid_by uuid NULL,
        paid_by_name text NULL,
        confirmed_at timestamptz NULL,
        confirmed_by uuid NULL,
        confirmed_by_name text NULL,
        CONSTRAINT pk_settlement_statements PRIMARY KEY (id),
        CONSTRAINT fk_settlement_statements_period FOREIGN KEY (period_id) REFERENCES settlement_periods (id),
        CONSTRAINT fk_settlement_statements_unit FOREIGN KEY (unit_id) REFERENCES units (id),
        CONSTRAINT ck_settlement_statements_party CHECK ((party_type = 'unit') = (unit_id IS NOT NULL) AND party_type IN ('unit', 'region')),
        CONSTRAINT ck_settlement_statements_status CHECK (status IN ('prepared', 'approved', 'paid', 'confirmed')),
        CONSTRAINT ck_settlement_statements_net CHECK (net_fen = receivable_fen - payable_fen + reversal_payable_fen - reversal_receivable_fen),
        CONSTRAINT ck_settlement_statements_approved CHECK ((status = 'prepared') = (approved_at IS NULL) AND (approved_at IS NULL) = (approved_by_name IS NULL)),
        CONSTRAINT ck_settlement_statements_paid CHECK ((status IN ('paid', 'confirmed')) = (paid_at IS NOT NULL) AND (paid_at IS NULL) = (paid_by_name IS NULL)),
        CONSTRAINT ck_settlement_statements_confirmed CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL) AND (confirmed_at IS NULL) = (confirmed_by_name IS NULL))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_settlement_statements_unit ON settlement_statements (period_id, unit_id) WHERE party_type = 'unit'`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_settlement_statements_region ON settlement_statements (period_id, region_code) WHERE party_type = 'region'`);
    await queryRunner.query(`CREATE INDEX ix_settlement_statements_district ON settlement_statements (district_code, period_id)`);

    // Append-only: closed periods, frozen memberships, reversals, ledger entries and pair totals never change.
    await queryRunner.query(`
      CREATE FUNCTION settlement_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'settlement: % on % is not allowed (append-only; corrections are reversing entries)', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'P0001';
      END $$`);
    for (const table of ['settlement_periods', 'settlement_excluded_meals', 'settlement_reversals', 'settlement_ledger_entries', 'settlement_pair_totals']) {
      await queryRunner.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION settlement_refuse_change()`);
    }
    // Statements: the figures and the party are frozen; only the approval flow moves, forwards only.
    await queryRunner.query(`
      CREATE FUNCTION settlement_statements_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'settlement: statements are never deleted' USING ERRCODE = 'P0001';
        END IF;
        IF (NEW.id, NEW.period_id, NEW.party_type, NEW.unit_id, NEW.region_code, NEW.district_code, NEW.party_name, NEW.payable_count, NEW.payable_fen, NEW.receivable_count,
            NEW.receivable_fen, NEW.reversal_payable_count, NEW.reversal_payable_fen, NEW.reversal_receivable_count, NEW.reversal_receivable_fen,
            NEW.self_collected_count, NEW.self_collected_fen, NEW.net_fen, NEW.prepared_at)
           IS DISTINCT FROM
           (OLD.id, OLD.period_id, OLD.party_type, OLD.unit_id, OLD.region_code, OLD.district_code, OLD.party_name, OLD.payable_count, OLD.payable_fen, OLD.receivable_count,
            OLD.receivable_fen, OLD.reversal_payable_count, OLD.reversal_payable_fen, OLD.reversal_receivable_count, OLD.reversal_receivable_fen,
            OLD.self_collected_count, OLD.self_collected_fen, OLD.net_fen, OLD.prepared_at) THEN
          RAISE EXCEPTION 'settlement: the figures of a statement never change' USING ERRCODE = 'P0001';
        END IF;
        IF array_position(ARRAY['prepared', 'approved', 'paid', 'confirmed'], NEW.status)
           <> array_position(ARRAY['prepared', 'approved', 'paid', 'confirmed'], OLD.status) + 1 THEN
          RAISE EXCEPTION 'settlement: statement status % -> % is not a step of the approval flow', OLD.status, NEW.status USING ERRCODE = 'P0001';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER settlement_statements_guard BEFORE UPDATE OR DELETE ON settlement_statements FOR EACH ROW EXECUTE FUNCTION settlement_statements_guard()`);

    // meals: what closing reads.
    await queryRunner.query(`CREATE INDEX ix_meals_meal_date_brin ON meals USING brin (meal_date)`);
    await queryRunner.query(`CREATE INDEX ix_meals_voided_meal_date ON meals (meal_date) INCLUDE (id) WHERE status = 'voided'`);
    await queryRunner.query(`CREATE INDEX ix_meals_unit_paid_payer ON meals (diner_unit_id, meal_date) WHERE payer = 'unit'`);
    await queryRunner.query(`CREATE INDEX ix_meals_unit_paid_owner ON meals (canteen_owner_unit_id, meal_date) WHERE payer = 'unit'`);

    // meals of a closed day never change (voids excepted: they become reversals). The scan path inserts today's meals,
    // so the insert guard's WHEN is false there and costs nothing; it only looks when a meal is dated in the past.
    await queryRunner.query(`
      CREATE FUNCTION settlement_meals_closed_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        dates date[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          dates := ARRAY[NEW.meal_date];
        ELSIF TG_OP = 'DELETE' THEN
          dates := ARRAY[OLD.meal_date];
        ELSE
          dates := ARRAY[OLD.meal_date, NEW.meal_date];
        END IF;
        PERFORM pg_advisory_xact_lock_shared(7631900600);
        IF EXISTS (SELECT 1 FROM settlement_periods p WHERE p.kind = 'day' AND p.period_start = ANY (dates)) THEN
          RAISE EXCEPTION 'settlement: a settlement day of % is closed; its meals cannot be added, removed or changed (void instead)', dates
            USING ERRCODE = 'P0001';
        END IF;
        IF TG_OP = 'DELETE' THEN
          RETURN OLD;
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER settlement_meals_insert_guard BEFORE INSERT ON meals FOR EACH ROW
      WHEN (NEW.meal_date < (now() AT TIME ZONE 'Asia/Shanghai')::date)
      EXECUTE FUNCTION settlement_meals_closed_guard()`);
    await queryRunner.query(`
      CREATE TRIGGER settlement_meals_change_guard BEFORE UPDATE OF meal_date, payer, price_fen, diner_unit_id, canteen_owner_unit_id ON meals
      FOR EACH ROW EXECUTE FUNCTION settlement_meals_closed_guard()`);
    await queryRunner.query(`CREATE TRIGGER settlement_meals_delete_guard BEFORE DELETE ON meals FOR EACH ROW EXECUTE FUNCTION settlement_meals_closed_guard()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS settlement_meals_delete_guard ON meals`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS settlement_meals_change_guard ON meals`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS settlement_meals_insert_guard ON meals`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS settlement_meals_closed_guard()`);
    await queryRunner.query(`DROP INDEX IF EXISTS ix_meals_unit_paid_owner`);
    await queryRunner.query(`DROP INDEX IF EXISTS ix_meals_unit_paid_payer`);
    await queryRunner.query(`DROP INDEX IF EXISTS ix_meals_voided_meal_date`);
    await queryRunner.query(`DROP INDEX IF EXISTS ix_meals_meal_date_brin`);
    await queryRunner.query(`DROP TABLE IF EXISTS settlement_statements`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS settlement_statements_guard()`);
    await queryRunner.query(`DROP TABLE IF EXISTS settlement_pair_totals`);
    await queryRunner.query(`DROP TABLE IF EXISTS settlement_ledger_entries`);
    await queryRunner.query(`DROP TABLE IF EXISTS settlement_reversals`);
    await queryRunner.query(`DROP TABLE IF EXISTS settlement_excluded_meals`);
    await queryRunner.query(`DROP TABLE IF EXISTS settlement_periods`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS settlement_refuse_change()`);
    await queryRunner.query(`DROP VIEW IF EXISTS settlement_region_districts`);
    await queryRunner.query(`DROP TABLE IF EXISTS settlement_accounts`);
  }
}
