import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Day periods keep their bilateral totals too: from now on a day close writes the day's unit-paid totals per
 * (payer unit, canteen owner unit) into settlement_pair_totals, with the reversals that landed in that day, and a
 * month close sums its days' rows instead of aggregating the month's meals again (the nightly closes did that work).
 *
 * Day periods closed before this migration get their rows here, from what their close froze: the unit-paid meals of
 * the day that are not in settlement_excluded_meals (a meal voided after the close stays in its day and is reversed
 * later) and the unit-paid reversals posted in the day. Exactly what the close would have written.
 */
export class SettlementDayPairTotals1763901100000 implements MigrationInterface {
  name = 'SettlementDayPairTotals1763901100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // one pass over the meals of closed days (a hash join on the day), not a scan per day
    await queryRunner.query(`
      INSERT INTO settlement_pair_totals (period_id, payer_unit_id, owner_unit_id, meal_count, amount_fen, reversal_count, reversal_fen)
      SELECT period_id, payer_unit_id, owner_unit_id, sum(meal_count)::int, sum(amount_fen)::bigint, sum(reversal_count)::int, sum(reversal_fen)::bigint
      FROM (
        SELECT p.id AS period_id, m.diner_unit_id AS payer_unit_id, m.canteen_owner_unit_id AS owner_unit_id, 1 AS meal_count,
               m.price_fen::bigint AS amount_fen, 0 AS reversal_count, 0::bigint AS reversal_fen
        FROM meals m JOIN settlement_periods p ON p.kind = 'day' AND p.period_start = m.meal_date
        WHERE m.payer = 'unit' AND NOT EXISTS (SELECT 1 FROM settlement_excluded_meals e WHERE e.meal_id = m.id)
        UNION ALL
        SELECT r.period_id, r.payer_unit_id, r.owner_unit_id, 0, 0, 1, r.amount_fen::bigint
        FROM settlement_reversals r JOIN settlement_periods p ON p.id = r.period_id AND p.kind = 'day'
        WHERE r.payer = 'unit'
      ) x
      WHERE NOT EXISTS (SELECT 1 FROM settlement_pair_totals t WHERE t.period_id = x.period_id)
      GROUP BY period_id, payer_unit_id, owner_unit_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // the rows of day periods are the only ones this migration's era adds; the append-only trigger must step aside
    await queryRunner.query(`ALTER TABLE settlement_pair_totals DISABLE TRIGGER settlement_pair_totals_append_only`);
    await queryRunner.query(`DELETE FROM settlement_pair_totals t USING settlement_periods p WHERE p.id = t.period_id AND p.kind = 'day'`);
    await queryRunner.query(`ALTER TABLE settlement_pair_totals ENABLE TRIGGER settlement_pair_totals_append_only`);
  }
}
