import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { SqlExecutor } from '@meal/kafka';
import { daysBetween } from './settlement-period';

/** The advisory lock key of closing (also taken, shared, by the meals guard trigger of migration 1763900600000). */
export const SETTLEMENT_CLOSE_LOCK = 7631900600;

/** bigint sums come back from pg as strings; every amount here stays an exact integer (fen). */
export function toInt(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${String(value)}`);
  return n;
}

export interface ExistingPeriod {
  id: string;
  kind: 'day' | 'month';
  periodStart: string;
}

/** The frozen figures of a closed period (integer fen and counts). */
export interface PeriodFigures {
  unitPaidCount: number;
  unitPaidFen: number;
  selfPaidCount: number;
  selfPaidFen: number;
  voidedExcludedCount: number;
  reversalCount: number;
  reversalFen: number;
  selfReversalCount: number;
  selfReversalFen: number;
  unitBilateralPairs: number;
  unitNetTransfers: number;
  districtBilateralPairs: number;
  districtNetTransfers: number;
}

/** The figures of one day period, computed from the batch before its row is written. */
export interface DayFigures extends PeriodFigures {
  day: string;
  periodId: string;
}

export interface PeriodRowInput {
  id: string;
  kind: 'day' | 'month';
  start: string;
  end: string;
  monthStart: string;
  closedAt: Date;
  closedBy: string | null;
  closedByName: string;
  figures: PeriodFigures;
  statementCount: number;
}

export interface StatementIdRow {
  id: string;
  partyType: 'unit' | 'region';
}

/**
 * One close, inside the settlement lock and ONE repeatable-read transaction: every statement sees the same snapshot
 * of `meals`, so "voided at close" (excluded) and "counted" (aggregated) are exact complements even while voids
 * commit concurrently. All heavy lifting is set-based SQL; nothing per meal comes into Node.
 *
 * Temp tables (dropped at commit): settle_days (the day periods being closed), settle_unit_district (unit → district),
 * settle_agg (meals grouped by day, payer kind, payer unit, owner unit), settle_rev (reversals landing in this batch),
 * settle_legs (the ledger legs before they get account ids).
 */
export class SettlementCloseTx {
  constructor(readonly runner: QueryRunner) {}

  /** The executor for the outbox writer: the same connection and transaction. */
  get executor(): SqlExecutor {
    return this.runner;
  }

  private async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.runner.query(sql, params)) as T[];
  }

  async existingPeriods(kind: 'day' | 'month', starts: string[]): Promise<ExistingPeriod[]> {
    const rows = await this.rows<{ id: string; kind: 'day' | 'month'; period_start: string }>(
      `SELECT id, kind, period_start::text AS period_start FROM settlement_periods WHERE kind = $1 AND period_start = ANY($2::date[])`,
      [kind, starts],
    );
    return rows.map((r) => ({ id: r.id, kind: r.kind, periodStart: r.period_start }));
  }

  /**
   * Builds settle_days and the aggregate of the batch days' meals (the status at this snapshot decides what is voided).
   * Days closed earlier are not read again: their bilateral totals were stored when they closed (storeDayPairTotals).
   */
  async aggregate(batch: { day: string; periodId: string }[], range: { start: string; end: string }): Promise<void> {
    await this.runner.query(`SET LOCAL work_mem = '256MB'`);
    await this.runner.query(`CREATE TEMP TABLE settle_days (day date PRIMARY KEY, period_id uuid NOT NULL) ON COMMIT DROP`);
    await this.runner.query(`INSERT INTO settle_days (day, period_id) SELECT * FROM unnest($1::date[], $2::uuid[])`, [
      batch.map((b) => b.day),
      batch.map((b) => b.periodId),
    ]);
    await this.runner.query(`
      CREATE TEMP TABLE settle_unit_district ON COMMIT DROP AS
      SELECT u.id AS unit_id, d.district_code FROM units u JOIN settlement_region_districts d ON d.region_code = u.region_code`);
    await this.runner.query(`ALTER TABLE settle_unit_district ADD PRIMARY KEY (unit_id)`);
    const days = batch.map((b) => b.day).sort();
    const everyDay = days.length > 0 && days[0] === range.start && days[days.length - 1] === range.end && days.length === daysBetween(range.start, range.end).length;
    // no batch day (the month rolls up days closed earlier): an empty aggregate, no pass over the meals
    const filter = days.length === 0 ? 'false' : `m.meal_date BETWEEN $1 AND $2 AND m.status <> 'voided'${everyDay ? '' : ' AND m.meal_date = ANY($3::date[])'}`;
    // CREATE TABLE AS may run the scan and partial aggregation in parallel workers (INSERT … SELECT may not).
    await this.runner.query(
      `CREATE TEMP TABLE settle_agg ON COMMIT DROP AS
       SELECT m.meal_date AS day, (m.payer = 'unit') AS unit_paid,
              CASE WHEN m.payer = 'unit' THEN m.diner_unit_id END AS payer_unit_id, m.canteen_owner_unit_id AS owner_unit_id,
              count(*)::int AS meal_count, sum(m.price_fen)::bigint AS amount_fen
       FROM meals m
       WHERE ${filter}
       GROUP BY 1, 2, 3, 4`,
      days.length === 0 ? [] : everyDay ? [range.start, range.end] : [days[0], days[days.length - 1], days],
    );
    // Reversals: meals of earlier closed days, voided after that close, never reversed; they land in the first batch
    // day after the meal's day.
    await this.runner.query(
      `CREATE TEMP TABLE settle_rev ON COMMIT DROP AS
       SELECT m.id AS meal_id, m.meal_date, m.payer, CASE WHEN m.payer = 'unit' THEN m.diner_unit_id END AS payer_unit_id,
              m.canteen_owner_unit_id AS owner_unit_id, m.price_fen AS amount_fen, m.voided_at, p.id AS original_period_id, target.day, target.period_id
       FROM meals m
       JOIN settlement_periods p ON p.kind = 'day' AND p.period_start = m.meal_date
       CROSS JOIN LATERAL (SELECT d.day, d.period_id FROM settle_days d WHERE d.day > m.meal_date ORDER BY d.day LIMIT 1) target
       WHERE m.status = 'voided' AND m.meal_date < (SELECT max(day) FROM settle_days)
         AND NOT EXISTS (SELECT 1 FROM settlement_excluded_meals e WHERE e.meal_id = m.id)
         AND NOT EXISTS (SELECT 1 FROM settlement_reversals r WHERE r.meal_id = m.id)`,
    );
    await this.runner.query(`ANALYZE settle_agg`);
  }

  /**
   * The ledger legs of the batch (before account ids): unit-paid, self-paid and reversal postings in three books.
   * One pass over the batch's aggregate with grouping sets (per payer unit and per owner unit, per day); districts and
   * day totals are rolled up from those small groups; then each group expands into its legs. Signs: a unit-paid meal — the diner's unit owes the clearing
   * company, the clearing company owes the canteen's owner unit (and the same per district); a self-paid meal — the
   * owner unit collected it from the diners; a reversal flips every leg of its meal.
   */
  async buildLegs(): Promise<void> {
    await this.runner.query(`
      CREATE TEMP TABLE settle_legs ON COMMIT DROP AS
      WITH src AS (
        SELECT d.period_id, a.unit_paid, false AS rv, a.payer_unit_id, a.owner_unit_id, a.meal_count, a.amount_fen
        FROM settle_agg a JOIN settle_days d ON d.day = a.day
        UNION ALL
        SELECT r.period_id, r.payer = 'unit', true, r.payer_unit_id, r.owner_unit_id, 1, r.amount_fen::bigint FROM settle_rev r
      ), u AS (
        -- per payer unit (gs 1) and per owner unit (gs 2); self-paid meals have no payer unit: their gs-1 group is the day's total
        SELECT period_id, unit_paid AS up, rv, payer_unit_id, owner_unit_id, GROUPING(payer_unit_id, owner_unit_id) AS gs,
               sum(amount_fen)::bigint AS fen, sum(meal_count)::int AS n
        FROM src GROUP BY GROUPING SETS ((period_id, unit_paid, rv, payer_unit_id), (period_id, unit_paid, rv, owner_unit_id))
      ), g AS (
        SELECT period_id, up, rv, gs, payer_unit_id::text AS payer_key, owner_unit_id::text AS owner_key, fen, n FROM u
        UNION ALL
        SELECT u.period_id, u.up, u.rv, u.gs + 12, CASE WHEN u.gs = 1 THEN ud.district_code END, CASE WHEN u.gs = 2 THEN ud.district_code END,
               sum(u.fen)::bigint, sum(u.n)::int
        FROM u JOIN settle_unit_district ud ON ud.unit_id = coalesce(u.payer_unit_id, u.owner_unit_id)
        WHERE u.up GROUP BY u.period_id, u.up, u.rv, u.gs, ud.district_code
        UNION ALL
        SELECT period_id, up, rv, 15, NULL, NULL, sum(fen)::bigint, sum(n)::int FROM u WHERE gs = 2 GROUP BY period_id, up, rv
      )
      SELECT g.period_id, x.book, CASE WHEN g.rv THEN 'reversal' WHEN x.book = 'self' THEN 'self-paid' ELSE 'unit-paid' END AS posting,
             x.account_key, CASE WHEN x.owed <> g.rv THEN 'owed' ELSE 'owes' END AS side,
             CASE WHEN x.owed <> g.rv THEN g.fen ELSE -g.fen END AS amount_fen, g.n AS meal_count
      FROM g CROSS JOIN LATERAL (VALUES
        ('unit', g.payer_key, false, g.gs = 1 AND g.up),
        ('unit', g.owner_key, true, g.gs = 2 AND g.up),
        ('self', g.owner_key, true, g.gs = 2 AND NOT g.up),
        ('district', g.payer_key, false, g.gs = 13),
        ('district', g.owner_key, true, g.gs = 14),
        ('unit', 'clearing', true, g.gs = 15 AND g.up),
        ('unit', 'clearing', false, g.gs = 15 AND g.up),
        ('district', 'clearing', true, g.gs = 15 AND g.up),
        ('district', 'clearing', false, g.gs = 15 AND g.up),
        ('self', 'diners', false, g.gs = 15 AND NOT g.up)
      ) x(book, account_key, owed, applies)
      WHERE x.applies`);
    await this.runner.query(`ANALYZE settle_legs`);
  }

  /** Per batch day: the frozen totals (counts, gross, voids excluded, reversals, netting figures). */
  async dayFigures(): Promise<DayFigures[]> {
    const rows = await this.rows<Record<string, unknown>>(`
      WITH totals AS (
        SELECT d.day, d.period_id,
               coalesce(sum(a.meal_count) FILTER (WHERE a.unit_paid), 0) AS unit_paid_count,
               coalesce(sum(a.amount_fen) FILTER (WHERE a.unit_paid), 0) AS unit_paid_fen,
               coalesce(sum(a.meal_count) FILTER (WHERE NOT a.unit_paid), 0) AS self_paid_count,
               coalesce(sum(a.amount_fen) FILTER (WHERE NOT a.unit_paid), 0) AS self_paid_fen
        FROM settle_days d LEFT JOIN settle_agg a ON a.day = d.day GROUP BY d.day, d.period_id
      ), voided AS (
        SELECT m.meal_date AS day, count(*) AS n FROM meals m JOIN settle_days d ON d.day = m.meal_date
        WHERE m.status = 'voided' AND m.meal_date BETWEEN (SELECT min(day) FROM settle_days) AND (SELECT max(day) FROM settle_days) GROUP BY m.meal_date
      ), rev AS (
        SELECT period_id,
               count(*) FILTER (WHERE payer = 'unit') AS n, coalesce(sum(amount_fen) FILTER (WHERE payer = 'unit'), 0) AS fen,
               count(*) FILTER (WHERE payer = 'self') AS self_n, coalesce(sum(amount_fen) FILTER (WHERE payer = 'self'), 0) AS self_fen
        FROM settle_rev GROUP BY period_id
      ), flows AS (
        SELECT d.period_id, a.payer_unit_id AS payer, a.owner_unit_id AS owner, a.amount_fen AS fen
          FROM settle_agg a JOIN settle_days d ON d.day = a.day WHERE a.unit_paid
        UNION ALL SELECT period_id, payer_unit_id, owner_unit_id, -amount_fen FROM settle_rev WHERE payer = 'unit'
      ), unit_pairs AS (
        SELECT period_id, count(*) FILTER (WHERE debt <> 0) AS n FROM (
          SELECT period_id, least(payer, owner), greatest(payer, owner), sum(CASE WHEN payer < owner THEN fen ELSE -fen END) AS debt
          FROM flows WHERE payer <> owner GROUP BY 1, 2, 3) x GROUP BY period_id
      ), district_pairs AS (
        SELECT period_id, count(*) FILTER (WHERE debt <> 0) AS n FROM (
          SELECT f.period_id, least(pd.district_code, od.district_code), greatest(pd.district_code, od.district_code),
                 sum(CASE WHEN pd.district_code < od.district_code THEN f.fen ELSE -f.fen END) AS debt
          FROM flows f JOIN settle_unit_district pd ON pd.unit_id = f.payer JOIN settle_unit_district od ON od.unit_id = f.owner
          WHERE pd.district_code <> od.district_code GROUP BY 1, 2, 3) x GROUP BY period_id
      ), nets AS (
        SELECT period_id, book, count(*) FILTER (WHERE net <> 0) AS n FROM (
          SELECT period_id, book, account_key, sum(amount_fen) AS net FROM settle_legs
          WHERE book IN ('unit', 'district') AND account_key <> 'clearing' GROUP BY 1, 2, 3) x GROUP BY period_id, book
      )
      SELECT t.day::text AS day, t.period_id, t.unit_paid_count, t.unit_paid_fen, t.self_paid_count, t.self_paid_fen,
             coalesce(v.n, 0) AS voided, coalesce(r.n, 0) AS rev_n, coalesce(r.fen, 0) AS rev_fen, coalesce(r.self_n, 0) AS self_rev_n,
             coalesce(r.self_fen, 0) AS self_rev_fen, coalesce(up.n, 0) AS unit_pairs, coalesce(un.n, 0) AS unit_nets,
             coalesce(dp.n, 0) AS district_pairs, coalesce(dn.n, 0) AS district_nets
      FROM totals t
      LEFT JOIN voided v ON v.day = t.day
      LEFT JOIN rev r ON r.period_id = t.period_id
      LEFT JOIN unit_pairs up ON up.period_id = t.period_id
      LEFT JOIN district_pairs dp ON dp.period_id = t.period_id
      LEFT JOIN nets un ON un.period_id = t.period_id AND un.book = 'unit'
      LEFT JOIN nets dn ON dn.period_id = t.period_id AND dn.book = 'district'
      ORDER BY t.day`);
    return rows.map((r) => ({
      day: r.day as string,
      periodId: r.period_id as string,
      unitPaidCount: toInt(r.unit_paid_count),
      unitPaidFen: toInt(r.unit_paid_fen),
      selfPaidCount: toInt(r.self_paid_count),
      selfPaidFen: toInt(r.self_paid_fen),
      voidedExcludedCount: toInt(r.voided),
      reversalCount: toInt(r.rev_n),
      reversalFen: toInt(r.rev_fen),
      selfReversalCount: toInt(r.self_rev_n),
      selfReversalFen: toInt(r.self_rev_fen),
      unitBilateralPairs: toInt(r.unit_pairs),
      unitNetTransfers: toInt(r.unit_nets),
      districtBilateralPairs: toInt(r.district_pairs),
      districtNetTransfers: toInt(r.district_nets),
    }));
  }

  async insertPeriods(periods: PeriodRowInput[]): Promise<void> {
    if (periods.length === 0) return;
    const col = <K extends keyof PeriodRowInput['figures']>(k: K): number[] => periods.map((p) => p.figures[k] as number);
    await this.runner.query(
      `INSERT INTO settlement_periods (id, kind, period_start, period_end, month_start, closed_at, closed_by, closed_by_name,
         unit_paid_count, unit_paid_fen, self_paid_count, self_paid_fen, voided_excluded_count, reversal_count, reversal_fen,
         self_reversal_count, self_reversal_fen, unit_bilateral_pairs, unit_net_transfers, district_bilateral_pairs, district_net_transfers, statement_count)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::date[], $5::date[], $6::timestamptz[], $7::uuid[], $8::text[],
         $9::int[], $10::bigint[], $11::int[], $12::bigint[], $13::int[], $14::int[], $15::bigint[], $16::int[], $17::bigint[],
         $18::int[], $19::int[], $20::int[], $21::int[], $22::int[])`,
      [
        periods.map((p) => p.id),
        periods.map((p) => p.kind),
        periods.map((p) => p.start),
        periods.map((p) => p.end),
        periods.map((p) => p.monthStart),
        periods.map((p) => p.closedAt),
        periods.map((p) => p.closedBy),
        periods.map((p) => p.closedByName),
        col('unitPaidCount'),
        col('unitPaidFen'),
        col('selfPaidCount'),
        col('selfPaidFen'),
        col('voidedExcludedCount'),
        col('reversalCount'),
        col('reversalFen'),
        col('selfReversalCount'),
        col('selfReversalFen'),
        col('unitBilateralPairs'),
        col('unitNetTransfers'),
        col('districtBilateralPairs'),
        col('districtNetTransfers'),
        periods.map((p) => p.statementCount),
      ],
    );
  }

  /** Freezes membership (voided now = in no period), writes the reversals and the balanced ledger entries. */
  async postBatch(): Promise<void> {
    // (the partial index of voided meals answers this: no pass over the month)
    await this.runner.query(`
      INSERT INTO settlement_excluded_meals (meal_id, period_id, meal_date)
      SELECT m.id, d.period_id, m.meal_date FROM meals m JOIN settle_days d ON d.day = m.meal_date
      WHERE m.status = 'voided' AND m.meal_date BETWEEN (SELECT min(day) FROM settle_days) AND (SELECT max(day) FROM settle_days)`);
    await this.runner.query(`
      INSERT INTO settlement_reversals (meal_id, period_id, original_period_id, meal_date, payer, payer_unit_id, owner_unit_id, amount_fen, voided_at)
      SELECT meal_id, period_id, original_period_id, meal_date, payer, payer_unit_id, owner_unit_id, amount_fen, voided_at FROM settle_rev`);
    await this.runner.query(`
      INSERT INTO settlement_accounts (kind, unit_id, name)
      SELECT 'unit', u.id, u.name FROM units u
      WHERE u.id::text IN (SELECT account_key FROM settle_legs WHERE book IN ('unit', 'self') AND account_key NOT IN ('clearing', 'diners'))
      ON CONFLICT (unit_id) WHERE kind = 'unit' DO NOTHING`);
    await this.runner.query(`
      INSERT INTO settlement_accounts (kind, region_code, name)
      SELECT 'district', r.code, r.name FROM regions r
      WHERE r.code IN (SELECT account_key FROM settle_legs WHERE book = 'district' AND account_key <> 'clearing')
      ON CONFLICT (region_code) WHERE kind = 'district' DO NOTHING`);
    // account ids by (kind, key) in a small analysed table, so the legs join by hash on plain columns
    await this.runner.query(`
      CREATE TEMP TABLE settle_account_ids ON COMMIT DROP AS
      SELECT kind, coalesce(unit_id::text, region_code, kind) AS account_key, id FROM settlement_accounts`);
    await this.runner.query(`ANALYZE settle_account_ids`);
    await this.runner.query(`
      INSERT INTO settlement_ledger_entries (period_id, book, posting, account_id, side, amount_fen, meal_count)
      SELECT l.period_id, l.book, l.posting, a.id, l.side, l.amount_fen, l.meal_count
      FROM settle_legs l
      JOIN settle_account_ids a ON a.account_key = l.account_key
       AND a.kind = CASE WHEN l.account_key IN ('clearing', 'diners') THEN l.account_key WHEN l.book = 'district' THEN 'district' ELSE 'unit' END`);
  }

  /**
   * The bilateral unit-paid totals of each batch day (payer unit → canteen owner unit), with the unit-paid reversals
   * landing in that day: the rows a month close sums (buildMonth) instead of reading the month's meals again. Written
   * by day closes; a month close that closes days itself has their aggregate at hand and writes the month's rows only.
   * Needs the day period rows (insertPeriods) first.
   */
  async storeDayPairTotals(): Promise<void> {
    await this.runner.query(`
      INSERT INTO settlement_pair_totals (period_id, payer_unit_id, owner_unit_id, meal_count, amount_fen, reversal_count, reversal_fen)
      SELECT period_id, payer_unit_id, owner_unit_id, sum(meal_count)::int, sum(amount_fen)::bigint, sum(reversal_count)::int, sum(reversal_fen)::bigint
      FROM (
        SELECT d.period_id, a.payer_unit_id, a.owner_unit_id, a.meal_count, a.amount_fen, 0 AS reversal_count, 0::bigint AS reversal_fen
        FROM settle_agg a JOIN settle_days d ON d.day = a.day WHERE a.unit_paid
        UNION ALL
        SELECT r.period_id, r.payer_unit_id, r.owner_unit_id, 0, 0, 1, r.amount_fen::bigint FROM settle_rev r WHERE r.payer = 'unit'
      ) x GROUP BY period_id, payer_unit_id, owner_unit_id`);
  }

  /** Sums of the month's day periods (all closed by now, the batch's rows included). */
  async monthSums(monthStart: string): Promise<Pick<DayFigures, 'unitPaidCount' | 'unitPaidFen' | 'selfPaidCount' | 'selfPaidFen' | 'voidedExcludedCount' | 'reversalCount' | 'reversalFen' | 'selfReversalCount' | 'selfReversalFen'>> {
    const [sums] = await this.rows<Record<string, unknown>>(
      `SELECT coalesce(sum(unit_paid_count), 0) AS a, coalesce(sum(unit_paid_fen), 0) AS b, coalesce(sum(self_paid_count), 0) AS c,
              coalesce(sum(self_paid_fen), 0) AS d, coalesce(sum(voided_excluded_count), 0) AS e, coalesce(sum(reversal_count), 0) AS f,
              coalesce(sum(reversal_fen), 0) AS g, coalesce(sum(self_reversal_count), 0) AS h, coalesce(sum(self_reversal_fen), 0) AS i
       FROM settlement_periods WHERE kind = 'day' AND month_start = $1`,
      [monthStart],
    );
    return {
      unitPaidCount: toInt(sums?.a),
      unitPaidFen: toInt(sums?.b),
      selfPaidCount: toInt(sums?.c),
      selfPaidFen: toInt(sums?.d),
      voidedExcludedCount: toInt(sums?.e),
      reversalCount: toInt(sums?.f),
      reversalFen: toInt(sums?.g),
      selfReversalCount: toInt(sums?.h),
      selfReversalFen: toInt(sums?.i),
    };
  }

  /**
   * The month's bilateral totals and statements, into temp tables: the month row is written once, with its final
   * figures, before they are copied (writeMonth). The pair totals are the stored totals of the days closed earlier plus
   * the batch's aggregate (no pass over the month's meals when its days were closed nightly); statement figures are
   * read from the month's ledger entries.
   */
  async buildMonth(monthStart: string, monthPeriodId: string): Promise<void> {
    // days closed on their own (nightly) stored their totals; the batch's days (closed by this month close) are in
    // settle_agg and settle_rev
    await this.runner.query(
      `CREATE TEMP TABLE settle_month_pairs ON COMMIT DROP AS
       SELECT $1::uuid AS period_id, payer_unit_id, owner_unit_id, sum(meal_count)::int AS meal_count, sum(amount_fen)::bigint AS amount_fen,
              sum(reversal_count)::int AS reversal_count, sum(reversal_fen)::bigint AS reversal_fen
       FROM (
         SELECT t.payer_unit_id, t.owner_unit_id, t.meal_count, t.amount_fen, t.reversal_count, t.reversal_fen
         FROM settlement_pair_totals t JOIN settlement_periods p ON p.id = t.period_id
         WHERE p.kind = 'day' AND p.month_start = $2 AND p.id NOT IN (SELECT period_id FROM settle_days)
         UNION ALL
         SELECT a.payer_unit_id, a.owner_unit_id, a.meal_count, a.amount_fen, 0, 0 FROM settle_agg a JOIN settle_days d ON d.day = a.day WHERE a.unit_paid
         UNION ALL
         SELECT r.payer_unit_id, r.owner_unit_id, 0, 0, 1, r.amount_fen::bigint FROM settle_rev r WHERE r.payer = 'unit'
       ) x GROUP BY payer_unit_id, owner_unit_id`,
      [monthPeriodId, monthStart],
    );
    await this.runner.query(
      `CREATE TEMP TABLE settle_month_statements ON COMMIT DROP AS
       WITH e AS (
         SELECT e.book, e.posting, e.side, e.account_id, e.amount_fen, e.meal_count FROM settlement_ledger_entries e
         JOIN settlement_periods p ON p.id = e.period_id WHERE p.kind = 'day' AND p.month_start = $2
       ), per_account AS (
         SELECT account_id,
           coalesce(sum(meal_count) FILTER (WHERE book IN ('unit', 'district') AND posting = 'unit-paid' AND side = 'owes'), 0) AS payable_count,
           coalesce(-sum(amount_fen) FILTER (WHERE book IN ('unit', 'district') AND posting = 'unit-paid' AND side = 'owes'), 0) AS payable_fen,
           coalesce(sum(meal_count) FILTER (WHERE book IN ('unit', 'district') AND posting = 'unit-paid' AND side = 'owed'), 0) AS receivable_count,
           coalesce(sum(amount_fen) FILTER (WHERE book IN ('unit', 'district') AND posting = 'unit-paid' AND side = 'owed'), 0) AS receivable_fen,
           coalesce(sum(meal_count) FILTER (WHERE book IN ('unit', 'district') AND posting = 'reversal' AND side = 'owed'), 0) AS reversal_payable_count,
           coalesce(sum(amount_fen) FILTER (WHERE book IN ('unit', 'district') AND posting = 'reversal' AND side = 'owed'), 0) AS reversal_payable_fen,
           coalesce(sum(meal_count) FILTER (WHERE book IN ('unit', 'district') AND posting = 'reversal' AND side = 'owes'), 0) AS reversal_receivable_count,
           coalesce(-sum(amount_fen) FILTER (WHERE book IN ('unit', 'district') AND posting = 'reversal' AND side = 'owes'), 0) AS reversal_receivable_fen,
           coalesce(sum(meal_count) FILTER (WHERE book = 'self' AND posting = 'self-paid'), 0)
             - coalesce(sum(meal_count) FILTER (WHERE book = 'self' AND posting = 'reversal'), 0) AS self_collected_count,
           coalesce(sum(amount_fen) FILTER (WHERE book = 'self'), 0) AS self_collected_fen
         FROM e GROUP BY account_id
       ), units_part AS (
         SELECT 'unit' AS party_type, a.unit_id, u.region_code, ud.district_code, u.name AS party_name, pa.*
         FROM per_account pa JOIN settlement_accounts a ON a.id = pa.account_id AND a.kind = 'unit'
         JOIN units u ON u.id = a.unit_id JOIN settle_unit_district ud ON ud.unit_id = u.id
       ), districts_part AS (
         SELECT 'region' AS party_type, NULL::uuid AS unit_id, a.region_code, a.region_code AS district_code, r.name AS party_name, pa.*
         FROM per_account pa JOIN settlement_accounts a ON a.id = pa.account_id AND a.kind = 'district' JOIN regions r ON r.code = a.region_code
       ), district_self AS (
         SELECT district_code, sum(self_collected_count) AS n, sum(self_collected_fen) AS fen FROM units_part GROUP BY district_code
       )
       SELECT gen_random_uuid() AS id, $1::uuid AS period_id, party_type, unit_id, region_code, district_code, party_name,
              payable_count, payable_fen, receivable_count, receivable_fen, reversal_payable_count, reversal_payable_fen,
              reversal_receivable_count, reversal_receivable_fen, self_collected_count, self_collected_fen
       FROM units_part
       UNION ALL
       SELECT gen_random_uuid(), $1::uuid, 'region', NULL, region_code, district_code, party_name,
              payable_count, payable_fen, receivable_count, receivable_fen, reversal_payable_count, reversal_payable_fen,
              reversal_receivable_count, reversal_receivable_fen, coalesce(ds.n, 0), coalesce(ds.fen, 0)
       FROM districts_part dp LEFT JOIN district_self ds USING (district_code)`,
      [monthPeriodId, monthStart],
    );
  }

  /** Netting figures of the month from the temp month tables (before they are written). */
  async monthNettingFromTemp(): Promise<{ unitPairs: number; districtPairs: number; unitNets: number; districtNets: number; statements: number }> {
    const [row] = await this.rows<Record<string, unknown>>(`
      WITH pairs AS (SELECT payer_unit_id AS payer, owner_unit_id AS owner, amount_fen - reversal_fen AS fen FROM settle_month_pairs),
      unit_pairs AS (
        SELECT count(*) FILTER (WHERE debt <> 0) AS n FROM (
          SELECT least(payer, owner), greatest(payer, owner), sum(CASE WHEN payer < owner THEN fen ELSE -fen END) AS debt
          FROM pairs WHERE payer <> owner GROUP BY 1, 2) x
      ), district_pairs AS (
        SELECT count(*) FILTER (WHERE debt <> 0) AS n FROM (
          SELECT least(pd.district_code, od.district_code), greatest(pd.district_code, od.district_code),
                 sum(CASE WHEN pd.district_code < od.district_code THEN p.fen ELSE -p.fen END) AS debt
          FROM pairs p JOIN settle_unit_district pd ON pd.unit_id = p.payer JOIN settle_unit_district od ON od.unit_id = p.owner
          WHERE pd.district_code <> od.district_code GROUP BY 1, 2) x
      ), nets AS (
        SELECT party_type, count(*) FILTER (WHERE receivable_fen - payable_fen + reversal_payable_fen - reversal_receivable_fen <> 0) AS n, count(*) AS total
        FROM settle_month_statements GROUP BY party_type
      )
      SELECT (SELECT n FROM unit_pairs) AS unit_pairs, (SELECT n FROM district_pairs) AS district_pairs,
             coalesce((SELECT n FROM nets WHERE party_type = 'unit'), 0) AS unit_nets,
             coalesce((SELECT n FROM nets WHERE party_type = 'region'), 0) AS district_nets,
             coalesce((SELECT sum(total) FROM nets), 0) AS statements`);
    return {
      unitPairs: toInt(row?.unit_pairs),
      districtPairs: toInt(row?.district_pairs),
      unitNets: toInt(row?.unit_nets),
      districtNets: toInt(row?.district_nets),
      statements: toInt(row?.statements),
    };
  }

  /** Copies the month's pair totals and statements (the month row exists now). Returns the statement ids, districts first. */
  async writeMonth(preparedAt: Date): Promise<StatementIdRow[]> {
    await this.runner.query(`
      INSERT INTO settlement_pair_totals (period_id, payer_unit_id, owner_unit_id, meal_count, amount_fen, reversal_count, reversal_fen)
      SELECT period_id, payer_unit_id, owner_unit_id, meal_count, amount_fen, reversal_count, reversal_fen FROM settle_month_pairs`);
    const rows = await this.rows<{ id: string; party_type: 'unit' | 'region' }>(
      `INSERT INTO settlement_statements (id, period_id, party_type, unit_id, region_code, district_code, party_name,
         payable_count, payable_fen, receivable_count, receivable_fen, reversal_payable_count, reversal_payable_fen,
         reversal_receivable_count, reversal_receivable_fen, self_collected_count, self_collected_fen, net_fen, status, prepared_at)
       SELECT id, period_id, party_type, unit_id, region_code, district_code, party_name,
         payable_count, payable_fen, receivable_count, receivable_fen, reversal_payable_count, reversal_payable_fen,
         reversal_receivable_count, reversal_receivable_fen, self_collected_count, self_collected_fen,
         receivable_fen - payable_fen + reversal_payable_fen - reversal_receivable_fen, 'prepared', $1
       FROM settle_month_statements ORDER BY party_type DESC, district_code, party_name
       RETURNING id, party_type`,
      [preparedAt],
    );
    return rows.map((r) => ({ id: r.id, partyType: r.party_type })).sort((a, b) => (a.partyType === b.partyType ? 0 : a.partyType === 'region' ? -1 : 1));
  }
}

/** Opens the close: session advisory lock (serialises every close), then one REPEATABLE READ transaction. */
@Injectable()
export class SettlementCloseRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async withCloseLock<T>(work: (tx: SettlementCloseTx) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [SETTLEMENT_CLOSE_LOCK]);
      try {
        await runner.startTransaction('REPEATABLE READ');
        try {
          const result = await work(new SettlementCloseTx(runner));
          await runner.commitTransaction();
          return result;
        } catch (error) {
          if (runner.isTransactionActive) await runner.rollbackTransaction();
          throw error;
        }
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [SETTLEMENT_CLOSE_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
