import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlExecutor } from '@meal/kafka';
import { PeriodFigures, toInt } from './settlement-close.repository';

export type StatementStatus = 'prepared' | 'approved' | 'paid' | 'confirmed';

export interface PeriodRecord extends PeriodFigures {
  id: string;
  kind: 'day' | 'month';
  periodStart: string;
  periodEnd: string;
  monthStart: string;
  closedAt: Date;
  closedBy: string | null;
  closedByName: string;
  statementCount: number;
}

export interface NetPosition {
  partyType: 'unit' | 'region';
  partyId: string;
  partyName: string;
  regionCode: string;
  districtCode: string;
  payableFen: number;
  receivableFen: number;
  netFen: number;
  mealCount: number;
}

export interface StatementRecord {
  id: string;
  periodId: string;
  periodStart: string;
  periodEnd: string;
  partyType: 'unit' | 'region';
  unitId: string | null;
  regionCode: string;
  districtCode: string;
  partyName: string;
  payableCount: number;
  payableFen: number;
  receivableCount: number;
  receivableFen: number;
  reversalPayableCount: number;
  reversalPayableFen: number;
  reversalReceivableCount: number;
  reversalReceivableFen: number;
  selfCollectedCount: number;
  selfCollectedFen: number;
  netFen: number;
  status: StatementStatus;
  preparedAt: Date;
  approvedAt: Date | null;
  approvedBy: string | null;
  approvedByName: string | null;
  paidAt: Date | null;
  paidBy: string | null;
  paidByName: string | null;
  confirmedAt: Date | null;
  confirmedBy: string | null;
  confirmedByName: string | null;
}

export interface CounterpartyLine {
  direction: 'payable' | 'receivable';
  counterpartyId: string;
  counterpartyName: string;
  mealCount: number;
  amountFen: number;
  reversalCount: number;
  reversalFen: number;
}

/** One meal behind a statement: who, where, when, slot, price; a reversal line carries the negative amount. */
export interface StatementLine {
  kind: 'meal' | 'reversal';
  direction: 'payable' | 'receivable';
  mealId: string;
  mealDate: string;
  slot: string;
  scannedAt: Date;
  voidedAt: Date | null;
  dinerName: string;
  dinerUnitName: string;
  canteenName: string;
  ownerUnitName: string;
  priceFen: number;
  amountFen: number;
}

export interface StatementFilter {
  monthStart?: string;
  partyType?: 'unit' | 'region';
  status?: StatementStatus;
  /** Region prefix scope (a unit finance officer); undefined = everything (clearing company). */
  regionPrefix?: string;
  q?: string;
}

const PERIOD_COLUMNS = `id, kind, period_start::text AS period_start, period_end::text AS period_end, month_start::text AS month_start, closed_at,
  closed_by, closed_by_name, unit_paid_count, unit_paid_fen, self_paid_count, self_paid_fen, voided_excluded_count, reversal_count, reversal_fen,
  self_reversal_count, self_reversal_fen, unit_bilateral_pairs, unit_net_transfers, district_bilateral_pairs, district_net_transfers, statement_count`;

const STATEMENT_COLUMNS = `s.id, s.period_id, p.period_start::text AS period_start, p.period_end::text AS period_end, s.party_type, s.unit_id, s.region_code,
  s.district_code, s.party_name, s.payable_count, s.payable_fen, s.receivable_count, s.receivable_fen, s.reversal_payable_count, s.reversal_payable_fen,
  s.reversal_receivable_count, s.reversal_receivable_fen, s.self_collected_count, s.self_collected_fen, s.net_fen, s.status, s.prepared_at,
  s.approved_at, s.approved_by, s.approved_by_name, s.paid_at, s.paid_by, s.paid_by_name, s.confirmed_at, s.confirmed_by, s.confirmed_by_name`;

function toPeriod(r: Record<string, unknown>): PeriodRecord {
  return {
    id: r.id as string,
    kind: r.kind as PeriodRecord['kind'],
    periodStart: r.period_start as string,
    periodEnd: r.period_end as string,
    monthStart: r.month_start as string,
    closedAt: r.closed_at as Date,
    closedBy: (r.closed_by as string | null) ?? null,
    closedByName: r.closed_by_name as string,
    unitPaidCount: toInt(r.unit_paid_count),
    unitPaidFen: toInt(r.unit_paid_fen),
    selfPaidCount: toInt(r.self_paid_count),
    selfPaidFen: toInt(r.self_paid_fen),
    voidedExcludedCount: toInt(r.voided_excluded_count),
    reversalCount: toInt(r.reversal_count),
    reversalFen: toInt(r.reversal_fen),
    selfReversalCount: toInt(r.self_reversal_count),
    selfReversalFen: toInt(r.self_reversal_fen),
    unitBilateralPairs: toInt(r.unit_bilateral_pairs),
    unitNetTransfers: toInt(r.unit_net_transfers),
    districtBilateralPairs: toInt(r.district_bilateral_pairs),
    districtNetTransfers: toInt(r.district_net_transfers),
    statementCount: toInt(r.statement_count),
  };
}

function toStatement(r: Record<string, unknown>): StatementRecord {
  return {
    id: r.id as string,
    periodId: r.period_id as string,
    periodStart: r.period_start as string,
    periodEnd: r.period_end as string,
    partyType: r.party_type as StatementRecord['partyType'],
    unitId: (r.unit_id as string | null) ?? null,
    regionCode: r.region_code as string,
    districtCode: r.district_code as string,
    partyName: r.party_name as string,
    payableCount: toInt(r.payable_count),
    payableFen: toInt(r.payable_fen),
    receivableCount: toInt(r.receivable_count),
    receivableFen: toInt(r.receivable_fen),
    reversalPayableCount: toInt(r.reversal_payable_count),
    reversalPayableFen: toInt(r.reversal_payable_fen),
    reversalReceivableCount: toInt(r.reversal_receivable_count),
    reversalReceivableFen: toInt(r.reversal_receivable_fen),
    selfCollectedCount: toInt(r.self_collected_count),
    selfCollectedFen: toInt(r.self_collected_fen),
    netFen: toInt(r.net_fen),
    status: r.status as StatementStatus,
    preparedAt: r.prepared_at as Date,
    approvedAt: (r.approved_at as Date | null) ?? null,
    approvedBy: (r.approved_by as string | null) ?? null,
    approvedByName: (r.approved_by_name as string | null) ?? null,
    paidAt: (r.paid_at as Date | null) ?? null,
    paidBy: (r.paid_by as string | null) ?? null,
    paidByName: (r.paid_by_name as string | null) ?? null,
    confirmedAt: (r.confirmed_at as Date | null) ?? null,
    confirmedBy: (r.confirmed_by as string | null) ?? null,
    confirmedByName: (r.confirmed_by_name as string | null) ?? null,
  };
}

/** Reads of closed periods, nets and statements; the statement approval updates. */
@Injectable()
export class SettlementRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private async rows<T>(sql: string, params: unknown[] = [], executor?: SqlExecutor): Promise<T[]> {
    return (await (executor ?? this.dataSource).query(sql, params)) as T[];
  }

  async unitRegion(unitId: string): Promise<string | null> {
    const [row] = await this.rows<{ region_code: string }>('SELECT region_code FROM units WHERE id = $1', [unitId]);
    return row?.region_code ?? null;
  }

  async findPeriod(kind: 'day' | 'month', start: string, executor?: SqlExecutor): Promise<PeriodRecord | null> {
    const [row] = await this.rows<Record<string, unknown>>(
      `SELECT ${PERIOD_COLUMNS} FROM settlement_periods WHERE kind = $1 AND period_start = $2`,
      [kind, start],
      executor,
    );
    return row ? toPeriod(row) : null;
  }

  /** The closed month row and day rows of a month. */
  async periodsOfMonth(monthStart: string): Promise<PeriodRecord[]> {
    const rows = await this.rows<Record<string, unknown>>(`SELECT ${PERIOD_COLUMNS} FROM settlement_periods WHERE month_start = $1 ORDER BY kind DESC, period_start`, [monthStart]);
    return rows.map(toPeriod);
  }

  /** Unit-paid meals of the open (not yet closed) days of a range, per day: what a close would take in. */
  async openDayActivity(start: string, end: string): Promise<Map<string, { count: number; fen: number }>> {
    const rows = await this.rows<{ day: string; n: string; fen: string }>(
      `SELECT m.meal_date::text AS day, count(*) AS n, coalesce(sum(m.price_fen), 0) AS fen FROM meals m
       WHERE m.meal_date BETWEEN $1 AND $2 AND m.payer = 'unit' AND m.status <> 'voided'
         AND NOT EXISTS (SELECT 1 FROM settlement_periods p WHERE p.kind = 'day' AND p.period_start = m.meal_date)
       GROUP BY m.meal_date`,
      [start, end],
    );
    return new Map(rows.map((r) => [r.day, { count: toInt(r.n), fen: toInt(r.fen) }]));
  }

  /** Net positions of a day period from its ledger (unit or district book), largest payers first. */
  async dayNets(periodId: string, level: 'unit' | 'region', regionPrefix?: string): Promise<NetPosition[]> {
    const book = level === 'unit' ? 'unit' : 'district';
    const rows = await this.rows<Record<string, unknown>>(
      `SELECT a.kind, coalesce(a.unit_id::text, a.region_code) AS party_id, a.name,
              coalesce(u.region_code, a.region_code) AS region_code, coalesce(ud.district_code, a.region_code) AS district_code,
              -coalesce(sum(e.amount_fen) FILTER (WHERE e.side = 'owes'), 0) AS payable, coalesce(sum(e.amount_fen) FILTER (WHERE e.side = 'owed'), 0) AS receivable,
              sum(e.amount_fen) AS net, coalesce(sum(e.meal_count) FILTER (WHERE e.posting = 'unit-paid'), 0) AS meals
       FROM settlement_ledger_entries e JOIN settlement_accounts a ON a.id = e.account_id
       LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN settlement_region_districts ud ON ud.region_code = u.region_code
       WHERE e.period_id = $1 AND e.book = $2 AND a.kind IN ('unit', 'district')
         AND ($3::text IS NULL OR coalesce(u.region_code, a.region_code) LIKE $3 || '%')
       GROUP BY a.id, a.kind, a.unit_id, a.region_code, a.name, u.region_code, ud.district_code
       ORDER BY sum(e.amount_fen), a.name`,
      [periodId, book, regionPrefix ?? null],
    );
    return rows.map((r) => ({
      partyType: r.kind === 'unit' ? 'unit' : 'region',
      partyId: r.party_id as string,
      partyName: r.name as string,
      regionCode: r.region_code as string,
      districtCode: r.district_code as string,
      payableFen: toInt(r.payable),
      receivableFen: toInt(r.receivable),
      netFen: toInt(r.net),
      mealCount: toInt(r.meals),
    }));
  }

  /** Net positions of a month from its statements. */
  async monthNets(periodId: string, level: 'unit' | 'region', regionPrefix?: string): Promise<NetPosition[]> {
    const rows = await this.rows<Record<string, unknown>>(
      `SELECT ${STATEMENT_COLUMNS} FROM settlement_statements s JOIN settlement_periods p ON p.id = s.period_id
       WHERE s.period_id = $1 AND s.party_type = $2 AND ($3::text IS NULL OR s.region_code LIKE $3 || '%')
       ORDER BY s.net_fen, s.party_name`,
      [periodId, level, regionPrefix ?? null],
    );
    return rows.map(toStatement).map((s) => ({
      partyType: s.partyType,
      partyId: s.unitId ?? s.regionCode,
      partyName: s.partyName,
      regionCode: s.regionCode,
      districtCode: s.districtCode,
      payableFen: s.payableFen + s.reversalReceivableFen,
      receivableFen: s.receivableFen + s.reversalPayableFen,
      netFen: s.netFen,
      mealCount: s.payableCount + s.receivableCount,
    }));
  }

  async listStatements(filter: StatementFilter, skip: number, take: number): Promise<{ items: StatementRecord[]; total: number }> {
    const rows = await this.rows<Record<string, unknown>>(
      `SELECT ${STATEMENT_COLUMNS}, count(*) OVER () AS total FROM settlement_statements s JOIN settlement_periods p ON p.id = s.period_id
       WHERE ($1::date IS NULL OR p.period_start = $1) AND ($2::text IS NULL OR s.party_type = $2) AND ($3::text IS NULL OR s.status = $3)
         AND ($4::text IS NULL OR s.region_code LIKE $4 || '%') AND ($5::text IS NULL OR s.party_name LIKE '%' || $5 || '%')
       ORDER BY p.period_start DESC, s.party_type DESC, s.district_code, s.party_name, s.id LIMIT $6 OFFSET $7`,
      [filter.monthStart ?? null, filter.partyType ?? null, filter.status ?? null, filter.regionPrefix ?? null, filter.q ?? null, take, skip],
    );
    return { items: rows.map(toStatement), total: rows[0] ? toInt(rows[0].total) : 0 };
  }

  async findStatement(id: string, executor?: SqlExecutor, lock = false): Promise<StatementRecord | null> {
    const [row] = await this.rows<Record<string, unknown>>(
      `SELECT ${STATEMENT_COLUMNS} FROM settlement_statements s JOIN settlement_periods p ON p.id = s.period_id WHERE s.id = $1${lock ? ' FOR UPDATE OF s' : ''}`,
      [id],
      executor,
    );
    return row ? toStatement(row) : null;
  }

  /** Moves a statement one step (row locked by the caller); who and when recorded. */
  async advanceStatement(
    executor: SqlExecutor,
    id: string,
    from: StatementStatus,
    to: Exclude<StatementStatus, 'prepared'>,
    by: { id: string; name: string },
    at: Date,
  ): Promise<boolean> {
    const column = to === 'approved' ? 'approved' : to === 'paid' ? 'paid' : 'confirmed';
    const rows = await this.rows<{ id: string }>(
      `WITH moved AS (
         UPDATE settlement_statements SET status = $3, ${column}_at = $4, ${column}_by = $5, ${column}_by_name = $6
         WHERE id = $1 AND status = $2 RETURNING id
       ) SELECT id FROM moved`,
      [id, from, to, at, by.id, by.name],
      executor,
    );
    return rows.length === 1;
  }

  /** The counterparties of a statement (the month's bilateral totals), units or districts. */
  async counterparties(statement: StatementRecord): Promise<CounterpartyLine[]> {
    const unitLevel = statement.partyType === 'unit';
    const rows = await this.rows<Record<string, unknown>>(
      unitLevel
        ? `SELECT 'payable' AS direction, t.owner_unit_id::text AS cp, u.name, t.meal_count, t.amount_fen, t.reversal_count, t.reversal_fen
             FROM settlement_pair_totals t JOIN units u ON u.id = t.owner_unit_id WHERE t.period_id = $1 AND t.payer_unit_id = $2
           UNION ALL
           SELECT 'receivable', t.payer_unit_id::text, u.name, t.meal_count, t.amount_fen, t.reversal_count, t.reversal_fen
             FROM settlement_pair_totals t JOIN units u ON u.id = t.payer_unit_id WHERE t.period_id = $1 AND t.owner_unit_id = $2
           ORDER BY 1, 5 DESC, 3`
        : `WITH ud AS (SELECT u.id AS unit_id, d.district_code FROM units u JOIN settlement_region_districts d ON d.region_code = u.region_code),
           flows AS (
             SELECT pd.district_code AS payer, od.district_code AS owner, t.meal_count, t.amount_fen, t.reversal_count, t.reversal_fen
             FROM settlement_pair_totals t JOIN ud pd ON pd.unit_id = t.payer_unit_id JOIN ud od ON od.unit_id = t.owner_unit_id WHERE t.period_id = $1
           )
           SELECT 'payable' AS direction, f.owner AS cp, r.name, sum(f.meal_count) AS meal_count, sum(f.amount_fen) AS amount_fen,
                  sum(f.reversal_count) AS reversal_count, sum(f.reversal_fen) AS reversal_fen
             FROM flows f JOIN regions r ON r.code = f.owner WHERE f.payer = $2 GROUP BY f.owner, r.name
           UNION ALL
           SELECT 'receivable', f.payer, r.name, sum(f.meal_count), sum(f.amount_fen), sum(f.reversal_count), sum(f.reversal_fen)
             FROM flows f JOIN regions r ON r.code = f.payer WHERE f.owner = $2 GROUP BY f.payer, r.name
           ORDER BY 1, 5 DESC, 3`,
      [statement.periodId, unitLevel ? statement.unitId : statement.regionCode],
    );
    return rows.map((r) => ({
      direction: r.direction as CounterpartyLine['direction'],
      counterpartyId: r.cp as string,
      counterpartyName: r.name as string,
      mealCount: toInt(r.meal_count),
      amountFen: toInt(r.amount_fen),
      reversalCount: toInt(r.reversal_count),
      reversalFen: toInt(r.reversal_fen),
    }));
  }

  /**
   * The meals behind a statement over [from, to] (days of its month): its unit-paid meals of the month's days that
   * were not voided at their day's close, payable side (the diner's unit / district) and receivable side (the
   * canteen owner's), plus the reversals that landed in the month. Ordered by day, time, meal, side.
   */
  async statementLines(statement: StatementRecord, from: string, to: string, limit: number, offset: number): Promise<StatementLine[]> {
    const unitLevel = statement.partyType === 'unit';
    const party = unitLevel
      ? { payer: 'm.diner_unit_id = $3::uuid', owner: 'm.canteen_owner_unit_id = $3::uuid', rPayer: 'r.payer_unit_id = $3::uuid', rOwner: 'r.owner_unit_id = $3::uuid' }
      : {
          payer: 'm.diner_unit_id = ANY($3::uuid[])',
          owner: 'm.canteen_owner_unit_id = ANY($3::uuid[])',
          rPayer: 'r.payer_unit_id = ANY($3::uuid[])',
          rOwner: 'r.owner_unit_id = ANY($3::uuid[])',
        };
    const partyParam = unitLevel ? statement.unitId : await this.unitsOfDistrict(statement.regionCode);
    const meal = (direction: 'payable' | 'receivable', condition: string): string => `
      SELECT 'meal' AS kind, '${direction}' AS direction, m.id AS meal_id, m.meal_date, m.slot, m.scanned_at, NULL::timestamptz AS voided_at, m.price_fen,
             m.price_fen AS amount_fen, m.diner_id, m.diner_unit_id, m.canteen_id, m.canteen_owner_unit_id
      FROM meals m
      WHERE m.payer = 'unit' AND m.meal_date BETWEEN $1 AND $2 AND ${condition}
        AND NOT EXISTS (SELECT 1 FROM settlement_excluded_meals e WHERE e.meal_id = m.id)`;
    const reversal = (direction: 'payable' | 'receivable', condition: string): string => `
      SELECT 'reversal', '${direction}', m.id, m.meal_date, m.slot, m.scanned_at, r.voided_at, m.price_fen, -r.amount_fen,
             m.diner_id, m.diner_unit_id, m.canteen_id, m.canteen_owner_unit_id
      FROM settlement_reversals r JOIN settlement_periods p ON p.id = r.period_id JOIN meals m ON m.id = r.meal_id
      WHERE r.payer = 'unit' AND p.period_start BETWEEN $1 AND $2 AND ${condition}`;
    const rows = await this.rows<Record<string, unknown>>(
      `WITH lines AS (
         ${meal('payable', party.payer)} UNION ALL ${meal('receivable', party.owner)}
         UNION ALL ${reversal('payable', party.rPayer)} UNION ALL ${reversal('receivable', party.rOwner)}
       )
       SELECT l.kind, l.direction, l.meal_id, l.meal_date::text AS meal_date, l.slot, l.scanned_at, l.voided_at, l.price_fen, l.amount_fen,
              s.name AS diner_name, du.name AS diner_unit_name, c.name AS canteen_name, ou.name AS owner_unit_name
       FROM lines l JOIN staff s ON s.id = l.diner_id JOIN units du ON du.id = l.diner_unit_id
       JOIN canteens c ON c.id = l.canteen_id JOIN units ou ON ou.id = l.canteen_owner_unit_id
       ORDER BY l.meal_date, l.scanned_at, l.meal_id, l.kind, l.direction
       LIMIT $4 OFFSET $5`,
      [from, to, partyParam, limit, offset],
    );
    return rows.map((r) => ({
      kind: r.kind as StatementLine['kind'],
      direction: r.direction as StatementLine['direction'],
      mealId: r.meal_id as string,
      mealDate: r.meal_date as string,
      slot: r.slot as string,
      scannedAt: r.scanned_at as Date,
      voidedAt: (r.voided_at as Date | null) ?? null,
      dinerName: r.diner_name as string,
      dinerUnitName: r.diner_unit_name as string,
      canteenName: r.canteen_name as string,
      ownerUnitName: r.owner_unit_name as string,
      priceFen: toInt(r.price_fen),
      amountFen: toInt(r.amount_fen),
    }));
  }

  private async unitsOfDistrict(districtCode: string): Promise<string[]> {
    const rows = await this.rows<{ id: string }>(
      `SELECT u.id FROM units u JOIN settlement_region_districts d ON d.region_code = u.region_code WHERE d.district_code = $1`,
      [districtCode],
    );
    return rows.map((r) => r.id);
  }

  transaction<T>(work: (executor: SqlExecutor) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(manager));
  }
}
