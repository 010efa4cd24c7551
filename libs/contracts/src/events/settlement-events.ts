import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, Max, Min, ValidateBy, ValidationArguments } from 'class-validator';
import { IsCalendarDate, IsIdentifier, IsNotBefore, IsUtcTimestamp } from '../validators';
import { MAX_AMOUNT_FEN } from './meal-events';

/**
 * `settlement.period-closed` v1 — the clearing company (国资公司) closed a settlement period: no more meals are
 * booked into it and one statement per party was drawn up. Period dates are Asia/Shanghai days, inclusive.
 */
export class SettlementPeriodClosedV1 {
  @IsIdentifier()
  periodId!: string;

  @IsCalendarDate()
  periodStart!: string;

  @IsCalendarDate()
  @IsNotBefore('periodStart')
  periodEnd!: string;

  @IsUtcTimestamp()
  closedAt!: string;

  /** Staff id of whoever closed the period. */
  @IsIdentifier()
  closedBy!: string;

  @IsInt()
  @Min(0)
  mealCount!: number;

  /** Sum of every unit-paid meal in the period. */
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_FEN)
  grossFen!: number;

  /** The statements drawn up (district statements first); at most 10,000 — `statementCount` tells the total. */
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsIdentifier({ each: true })
  statementIds!: string[];

  /** Optional (added later, additive): how many statements the close drew up in all, when more than listed. */
  @IsOptional()
  @IsInt()
  @Min(0)
  statementCount?: number;
}

export const SETTLEMENT_PARTY_TYPES = ['region', 'unit', 'canteen'] as const;
export type SettlementPartyType = (typeof SETTLEMENT_PARTY_TYPES)[number];

/**
 * `settlement.statement-approved` v1 — a party's statement for a period was approved. After netting (轧差) the
 * party receives `receivableFen`, owes `payableFen`, and `netFen = receivableFen - payableFen` (negative: pays).
 */
export class SettlementStatementApprovedV1 {
  @IsIdentifier()
  statementId!: string;

  @IsIdentifier()
  periodId!: string;

  @IsIn(SETTLEMENT_PARTY_TYPES)
  partyType!: SettlementPartyType;

  @IsIdentifier()
  partyId!: string;

  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_FEN)
  receivableFen!: number;

  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_FEN)
  payableFen!: number;

  @IsInt()
  @Min(-MAX_AMOUNT_FEN)
  @Max(MAX_AMOUNT_FEN)
  @ValidateBy({
    name: 'isNetOfStatement',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const s = args?.object as SettlementStatementApprovedV1 | undefined;
        return !s || typeof s.receivableFen !== 'number' || typeof s.payableFen !== 'number' || value === s.receivableFen - s.payableFen;
      },
      defaultMessage: () => 'netFen must equal receivableFen - payableFen',
    },
  })
  netFen!: number;

  @IsInt()
  @Min(0)
  mealCount!: number;

  @IsUtcTimestamp()
  approvedAt!: string;

  @IsIdentifier()
  approvedBy!: string;
}
