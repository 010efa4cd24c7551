import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Running counts of the non-voided meals of risk_meal_facts per canteen and meal date (all meals and visitor meals)
 * and per visiting unit pair and meal date (diner unit ≠ canteen owner unit): the live evaluation of 异常聚集 reads a
 * row per canteen or pair and day instead of counting a busy canteen's meals of the day on every batch.
 * Statement-level triggers (transition tables) keep them exact whatever writes the facts: inserted non-voided meals
 * count +1, a meal voided by an update −1, deleted meals −1, TRUNCATE empties them; a redelivered scan (the no-op
 * ON CONFLICT update) changes nothing. Each statement upserts its deltas in key order, and the writers already hold
 * the canteen-day and unit-pair-day advisory locks of their meals, so concurrent batches do not deadlock on them.
 */
export class RiskDayCounts1763901000000 implements MigrationInterface {
  name = 'RiskDayCounts1763901000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE risk_canteen_day_counts (
        canteen_id text NOT NULL,
        meal_date date NOT NULL,
        meals integer NOT NULL,
        visitor_meals integer NOT NULL,
        CONSTRAINT pk_risk_canteen_day_counts PRIMARY KEY (canteen_id, meal_date)
      )
    `);
    await queryRunner.query(`
      CREATE TABLE risk_pair_day_counts (
        diner_unit_id text NOT NULL,
        canteen_owner_unit_id text NOT NULL,
        meal_date date NOT NULL,
        meals integer NOT NULL,
        CONSTRAINT pk_risk_pair_day_counts PRIMARY KEY (diner_unit_id, canteen_owner_unit_id, meal_date)
      )
    `);
    // deltas: one row per meal with its sign (+1 counted now, −1 counted before), summed per key, zero sums skipped
    const NEW = `SELECT canteen_id, meal_date, diner_unit_id, canteen_owner_unit_id, 1 AS s FROM new_rows WHERE voided_at IS NULL`;
    const OLD = `SELECT canteen_id, meal_date, diner_unit_id, canteen_owner_unit_id, -1 AS s FROM old_rows WHERE voided_at IS NULL`;
    const apply = (deltas: string): string => `
        WITH d AS (${deltas})
        INSERT INTO risk_canteen_day_counts AS c (canteen_id, meal_date, meals, visitor_meals)
        SELECT canteen_id, meal_date, sum(s), coalesce(sum(s) FILTER (WHERE diner_unit_id <> canteen_owner_unit_id), 0)
        FROM d GROUP BY canteen_id, meal_date HAVING sum(s) <> 0 ORDER BY canteen_id, meal_date
        ON CONFLICT (canteen_id, meal_date) DO UPDATE SET meals = c.meals + EXCLUDED.meals, visitor_meals = c.visitor_meals + EXCLUDED.visitor_meals;
        WITH d AS (${deltas})
        INSERT INTO risk_pair_day_counts AS p (diner_unit_id, canteen_owner_unit_id, meal_date, meals)
        SELECT diner_unit_id, canteen_owner_unit_id, meal_date, sum(s)
        FROM d WHERE diner_unit_id <> canteen_owner_unit_id GROUP BY diner_unit_id, canteen_owner_unit_id, meal_date
        HAVING sum(s) <> 0 ORDER BY diner_unit_id, canteen_owner_unit_id, meal_date
        ON CONFLICT (diner_unit_id, canteen_owner_unit_id, meal_date) DO UPDATE SET meals = p.meals + EXCLUDED.meals;`;
    for (const [op, deltas] of [
      ['insert', NEW],
      ['update', `${NEW} UNION ALL ${OLD}`],
      ['delete', OLD],
    ] as const) {
      await queryRunner.query(`
        CREATE FUNCTION risk_meal_facts_counted_${op}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN${apply(deltas)}
          RETURN NULL;
        END $$
      `);
    }
    await queryRunner.query(`
      CREATE FUNCTION risk_meal_facts_counted_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE risk_canteen_day_counts, risk_pair_day_counts;
        RETURN NULL;
      END $$
    `);
    await queryRunner.query(
      `CREATE TRIGGER tr_risk_meal_facts_counted_insert AFTER INSERT ON risk_meal_facts REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION risk_meal_facts_counted_insert()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER tr_risk_meal_facts_counted_update AFTER UPDATE ON risk_meal_facts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION risk_meal_facts_counted_update()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER tr_risk_meal_facts_counted_delete AFTER DELETE ON risk_meal_facts REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION risk_meal_facts_counted_delete()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER tr_risk_meal_facts_counted_truncate AFTER TRUNCATE ON risk_meal_facts FOR EACH STATEMENT EXECUTE FUNCTION risk_meal_facts_counted_truncate()`,
    );
    // the facts already stored
    await queryRunner.query(`
      INSERT INTO risk_canteen_day_counts (canteen_id, meal_date, meals, visitor_meals)
      SELECT canteen_id, meal_date, count(*), count(*) FILTER (WHERE diner_unit_id <> canteen_owner_unit_id)
      FROM risk_meal_facts WHERE voided_at IS NULL GROUP BY canteen_id, meal_date
    `);
    await queryRunner.query(`
      INSERT INTO risk_pair_day_counts (diner_unit_id, canteen_owner_unit_id, meal_date, meals)
      SELECT diner_unit_id, canteen_owner_unit_id, meal_date, count(*)
      FROM risk_meal_facts WHERE voided_at IS NULL AND diner_unit_id <> canteen_owner_unit_id GROUP BY diner_unit_id, canteen_owner_unit_id, meal_date
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const op of ['insert', 'update', 'delete', 'truncate']) {
      await queryRunner.query(`DROP TRIGGER IF EXISTS tr_risk_meal_facts_counted_${op} ON risk_meal_facts`);
      await queryRunner.query(`DROP FUNCTION IF EXISTS risk_meal_facts_counted_${op}()`);
    }
    await queryRunner.query(`DROP TABLE IF EXISTS risk_pair_day_counts`);
    await queryRunner.query(`DROP TABLE IF EXISTS risk_canteen_day_counts`);
  }
}
