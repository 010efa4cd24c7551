import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A month range: first day of `from`'s month (inclusive) to the first day after `to`'s month (exclusive). */
export interface MonthRange {
  start: string;
  end: string;
}

export interface ModelMonthRow {
  month: string;
  modelKey: string;
  count: number;
}

export interface RegionCountRow {
  regionCode: string;
  regionName: string | null;
  count: number;
}

export interface CountRow {
  key: string;
  count: number;
}

export interface CanteenUseRow {
  month: string;
  meals: number;
  diners: number;
  canteens: number;
  unitPaidMeals: number;
  unitPaidFen: number;
}

export interface ReceptionRow {
  month: string;
  receptions: number;
  amountFen: number;
  withoutLetter: number;
}

export interface QualityRow {
  modelKey: string;
  open: number;
  confirmed: number;
  dismissed: number;
  inconclusive: number;
}

/** pg returns bigint sums as strings: integer fen, converted only when exactly representable. */
function fen(value: unknown): number {
  const n = Number(value ?? 0);
  if (!Number.isSafeInteger(n)) throw new Error(`fen sum ${String(value)} is not a safe integer`);
  return n;
}

const MONTH = (column: string): string => `to_char(date_trunc('month', ${column}), 'YYYY-MM')`;
const WITHIN = (column: string, n: number): string => `($${n}::text IS NULL OR ${column} LIKE $${n} || '%')`;

/** Aggregates for the dashboard and the per-model quality figures; every query is limited to a region prefix. */
@Injectable()
export class DashboardRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async warningsByModelMonth(prefix: string | undefined, range: MonthRange): Promise<ModelMonthRow[]> {
    return (await this.dataSource.query(
      `SELECT ${MONTH('business_date')} AS month, model_key AS "modelKey", count(*)::int AS count
         FROM risk_warnings WHERE ${WITHIN('region_code', 1)} AND business_date >= $2::date AND business_date < $3::date
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [prefix ?? null, range.start, range.end],
    )) as ModelMonthRow[];
  }

  /** Warnings per county-level region (the first six digits of the subject's region). */
  async warningsByRegion(prefix: string | undefined, range: MonthRange): Promise<RegionCountRow[]> {
    return (await this.dataSource.query(
      `SELECT w.code AS "regionCode", r.name AS "regionName", w.count
         FROM (SELECT left(region_code, 6) AS code, count(*)::int AS count FROM risk_warnings
                WHERE ${WITHIN('region_code', 1)} AND business_date >= $2::date AND business_date < $3::date GROUP BY 1) w
         LEFT JOIN regions r ON r.code = w.code
        ORDER BY w.count DESC, w.code`,
      [prefix ?? null, range.start, range.end],
    )) as RegionCountRow[];
  }

  async openCasesByStatus(prefix: string | undefined): Promise<CountRow[]> {
    return (await this.dataSource.query(
      `SELECT status AS key, count(*)::int AS count FROM risk_cases WHERE closed_at IS NULL AND ${WITHIN('region_code', 1)} GROUP BY 1 ORDER BY 1`,
      [prefix ?? null],
    )) as CountRow[];
  }

  /** Open cases by age since they were opened: 0–7, 8–30, 31–90 and over 90 days. */
  async openCasesAgeing(prefix: string | undefined): Promise<CountRow[]> {
    return (await this.dataSource.query(
      `SELECT CASE WHEN age <= 7 THEN '0-7' WHEN age <= 30 THEN '8-30' WHEN age <= 90 THEN '31-90' ELSE '90+' END AS key, count(*)::int AS count
         FROM (SELECT extract(epoch FROM now() - created_at) / 86400 AS age FROM risk_cases WHERE closed_at IS NULL AND ${WITHIN('region_code', 1)}) a
        GROUP BY 1`,
      [prefix ?? null],
    )) as CountRow[];
  }

  /** Meals (not voided) at canteens in the region per month, and the unit-paid (公务结算) share. */
  async canteenUse(prefix: string | undefined, range: MonthRange): Promise<CanteenUseRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${MONTH('meal_date')} AS month, count(*)::int AS meals, count(DISTINCT diner_id)::int AS diners, count(DISTINCT canteen_id)::int AS canteens,
              count(*) FILTER (WHERE payer = 'unit')::int AS "unitPaidMeals", coalesce(sum(price_fen) FILTER (WHERE payer = 'unit'), 0)::bigint AS "unitPaidFen"
         FROM risk_meal_facts
        WHERE voided_at IS NULL AND ${WITHIN('canteen_region_code', 1)} AND meal_date >= $2::date AND meal_date < $3::date
        GROUP BY 1 ORDER BY 1`,
      [prefix ?? null, range.start, range.end],
    )) as (Omit<CanteenUseRow, 'unitPaidFen'> & { unitPaidFen: string })[];
    return rows.map((r) => ({ ...r, unitPaidFen: fen(r.unitPaidFen) }));
  }

  /** Official receptions per month by host units in the region: count, amount, how many without an official letter. */
  async receptionTrend(prefix: string | undefined, range: MonthRange): Promise<ReceptionRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${MONTH('rr.date')} AS month, count(*)::int AS receptions, coalesce(sum(rr.amount_fen), 0)::bigint AS "amountFen",
              count(*) FILTER (WHERE rr.official_letter_ref IS NULL)::int AS "withoutLetter"
         FROM risk_reception_records rr
         LEFT JOIN units u ON u.id::text = rr.host_unit_id
        WHERE ${WITHIN('u.region_code', 1)} AND rr.date >= $2::date AND rr.date < $3::date
        GROUP BY 1 ORDER BY 1`,
      [prefix ?? null, range.start, range.end],
    )) as (Omit<ReceptionRow, 'amountFen'> & { amountFen: string })[];
    return rows.map((r) => ({ ...r, amountFen: fen(r.amountFen) }));
  }

  /** Per model: open cases, and cases closed in the range by resolution. */
  async quality(prefix: string | undefined, range: MonthRange): Promise<QualityRow[]> {
    return (await this.dataSource.query(
      `SELECT model_key AS "modelKey",
              count(*) FILTER (WHERE closed_at IS NULL)::int AS open,
              count(*) FILTER (WHERE resolution = 'confirmed' AND closed_at >= $2::date::timestamp AT TIME ZONE 'Asia/Shanghai' AND closed_at < $3::date::timestamp AT TIME ZONE 'Asia/Shanghai')::int AS confirmed,
              count(*) FILTER (WHERE resolution = 'dismissed' AND closed_at >= $2::date::timestamp AT TIME ZONE 'Asia/Shanghai' AND closed_at < $3::date::timestamp AT TIME ZONE 'Asia/Shanghai')::int AS dismissed,
              count(*) FILTER (WHERE resolution = 'inconclusive' AND closed_at >= $2::date::timestamp AT TIME ZONE 'Asia/Shanghai' AND closed_at < $3::date::timestamp AT TIME ZONE 'Asia/Shanghai')::int AS inconclusive
         FROM risk_cases WHERE ${WITHIN('region_code', 1)}
        GROUP BY 1 ORDER BY 1`,
      [prefix ?? null, range.start, range.end],
    )) as QualityRow[];
  }
}
