import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The settlement tables (migration 1763900600000). The feature reads and writes them with set-based SQL in its
 * repositories; the entities map them for TypeORM's explicit entity list and document the columns.
 */

/** 账户: one per unit, per district, the clearing company (国资公司) and the diners (counter-account of self-paid meals). */
@Entity({ name: 'settlement_accounts' })
export class SettlementAccount {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  kind!: 'clearing' | 'diners' | 'district' | 'unit';

  @Column({ name: 'unit_id', type: 'uuid', nullable: true })
  unitId!: string | null;

  @Column({ name: 'region_code', type: 'varchar', length: 12, nullable: true })
  regionCode!: string | null;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** 结算期: exists only once closed (a day or a month, Asia/Shanghai dates), with its frozen totals. */
@Entity({ name: 'settlement_periods' })
export class SettlementPeriod {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  kind!: 'day' | 'month';

  @Column({ name: 'period_start', type: 'date' })
  periodStart!: string;

  @Column({ name: 'period_end', type: 'date' })
  periodEnd!: string;

  @Column({ name: 'month_start', type: 'date' })
  monthStart!: string;

  @Column({ type: 'text' })
  status!: 'closed';

  @Column({ name: 'closed_at', type: 'timestamptz' })
  closedAt!: Date;

  @Column({ name: 'closed_by', type: 'uuid', nullable: true })
  closedBy!: string | null;

  @Column({ name: 'closed_by_name', type: 'text' })
  closedByName!: string;

  @Column({ name: 'unit_paid_count', type: 'integer' })
  unitPaidCount!: number;

  @Column({ name: 'unit_paid_fen', type: 'bigint' })
  unitPaidFen!: string;

  @Column({ name: 'self_paid_count', type: 'integer' })
  selfPaidCount!: number;

  @Column({ name: 'self_paid_fen', type: 'bigint' })
  selfPaidFen!: string;

  @Column({ name: 'voided_excluded_count', type: 'integer' })
  voidedExcludedCount!: number;

  @Column({ name: 'reversal_count', type: 'integer' })
  reversalCount!: number;

  @Column({ name: 'reversal_fen', type: 'bigint' })
  reversalFen!: string;

  @Column({ name: 'self_reversal_count', type: 'integer' })
  selfReversalCount!: number;

  @Column({ name: 'self_reversal_fen', type: 'bigint' })
  selfReversalFen!: string;

  @Column({ name: 'unit_bilateral_pairs', type: 'integer' })
  unitBilateralPairs!: number;

  @Column({ name: 'unit_net_transfers', type: 'integer' })
  unitNetTransfers!: number;

  @Column({ name: 'district_bilateral_pairs', type: 'integer' })
  districtBilateralPairs!: number;

  @Column({ name: 'district_net_transfers', type: 'integer' })
  districtNetTransfers!: number;

  @Column({ name: 'statement_count', type: 'integer' })
  statementCount!: number;
}

/**
 * 分录: append-only; amount > 0 the account is owed, < 0 it owes (`side`); every posting of a period balances. One per
 * (period, book, account, posting, side): the natural key.
 */
@Entity({ name: 'settlement_ledger_entries' })
export class SettlementLedgerEntry {
  @PrimaryColumn({ name: 'period_id', type: 'uuid' })
  periodId!: string;

  @PrimaryColumn({ type: 'text' })
  book!: 'unit' | 'district' | 'self';

  @PrimaryColumn({ type: 'text' })
  posting!: 'unit-paid' | 'self-paid' | 'reversal';

  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @PrimaryColumn({ type: 'text' })
  side!: 'owes' | 'owed';

  @Column({ name: 'amount_fen', type: 'bigint' })
  amountFen!: string;

  @Column({ name: 'meal_count', type: 'integer' })
  mealCount!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A meal voided before its day closed: in no period (frozen at close). */
@Entity({ name: 'settlement_excluded_meals' })
export class SettlementExcludedMeal {
  @PrimaryColumn({ name: 'meal_id', type: 'uuid' })
  mealId!: string;

  @Column({ name: 'period_id', type: 'uuid' })
  periodId!: string;

  @Column({ name: 'meal_date', type: 'date' })
  mealDate!: string;
}

/** 冲正: a meal voided after its day closed, reversed once in a later day period (references the original meal). */
@Entity({ name: 'settlement_reversals' })
export class SettlementReversal {
  @PrimaryColumn({ name: 'meal_id', type: 'uuid' })
  mealId!: string;

  @Column({ name: 'period_id', type: 'uuid' })
  periodId!: string;

  @Column({ name: 'original_period_id', type: 'uuid' })
  originalPeriodId!: string;

  @Column({ name: 'meal_date', type: 'date' })
  mealDate!: string;

  @Column({ type: 'text' })
  payer!: 'unit' | 'self';

  @Column({ name: 'payer_unit_id', type: 'uuid', nullable: true })
  payerUnitId!: string | null;

  @Column({ name: 'owner_unit_id', type: 'uuid' })
  ownerUnitId!: string;

  @Column({ name: 'amount_fen', type: 'integer' })
  amountFen!: number;

  @Column({ name: 'voided_at', type: 'timestamptz' })
  voidedAt!: Date;
}

/**
 * The bilateral unit-paid gross of a closed period, payer unit → canteen owner unit, with the reversals posted in it:
 * written for a day closed on its own (the nightly close) and for the month (its days' rows, or the aggregate of the
 * days the month close closed itself).
 */
@Entity({ name: 'settlement_pair_totals' })
export class SettlementPairTotal {
  @PrimaryColumn({ name: 'period_id', type: 'uuid' })
  periodId!: string;

  @PrimaryColumn({ name: 'payer_unit_id', type: 'uuid' })
  payerUnitId!: string;

  @PrimaryColumn({ name: 'owner_unit_id', type: 'uuid' })
  ownerUnitId!: string;

  @Column({ name: 'meal_count', type: 'integer' })
  mealCount!: number;

  @Column({ name: 'amount_fen', type: 'bigint' })
  amountFen!: string;

  @Column({ name: 'reversal_count', type: 'integer' })
  reversalCount!: number;

  @Column({ name: 'reversal_fen', type: 'bigint' })
  reversalFen!: string;
}

/** 结算单: one per (month, unit) and (month, district); prepared → approved → paid → confirmed. */
@Entity({ name: 'settlement_statements' })
export class SettlementStatement {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'period_id', type: 'uuid' })
  periodId!: string;

  @Column({ name: 'party_type', type: 'text' })
  partyType!: 'unit' | 'region';

  @Column({ name: 'unit_id', type: 'uuid', nullable: true })
  unitId!: string | null;

  @Column({ name: 'region_code', type: 'varchar', length: 12 })
  regionCode!: string;

  @Column({ name: 'district_code', type: 'varchar', length: 12 })
  districtCode!: string;

  @Column({ name: 'party_name', type: 'text' })
  partyName!: string;

  @Column({ name: 'net_fen', type: 'bigint' })
  netFen!: string;

  @Column({ type: 'text' })
  status!: 'prepared' | 'approved' | 'paid' | 'confirmed';

  @Column({ name: 'prepared_at', type: 'timestamptz' })
  preparedAt!: Date;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt!: Date | null;

  @Column({ name: 'approved_by', type: 'uuid', nullable: true })
  approvedBy!: string | null;

  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt!: Date | null;

  @Column({ name: 'paid_by', type: 'uuid', nullable: true })
  paidBy!: string | null;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt!: Date | null;

  @Column({ name: 'confirmed_by', type: 'uuid', nullable: true })
  confirmedBy!: string | null;
}

/** Every entity of settlement; add to the service's entity list. */
export const SETTLEMENT_ENTITIES = [
  SettlementAccount,
  SettlementPeriod,
  SettlementLedgerEntry,
  SettlementExcludedMeal,
  SettlementReversal,
  SettlementPairTotal,
  SettlementStatement,
];
