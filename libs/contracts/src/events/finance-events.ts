import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsCalendarDate, IsIdentifier, IsNotBefore, IsRegionCode } from '../validators';
import { MAX_AMOUNT_FEN } from './meal-events';

export const ALLOWANCE_CLAIM_STATUSES = ['submitted', 'approved', 'revoked'] as const;
export type AllowanceClaimStatus = (typeof ALLOWANCE_CLAIM_STATUSES)[number];

/**
 * `allowance.claim` v1 — a travel meal allowance (差旅伙食补助) claim from the finance system, as submitted,
 * approved or revoked. Trip dates are Asia/Shanghai calendar days, both inclusive.
 */
export class AllowanceClaimV1 {
  @IsIdentifier()
  claimId!: string;

  @IsIdentifier()
  dinerId!: string;

  @IsIdentifier()
  dinerUnitId!: string;

  @IsCalendarDate()
  tripStart!: string;

  @IsCalendarDate()
  @IsNotBefore('tripStart')
  tripEnd!: string;

  @IsRegionCode()
  destinationRegionCode!: string;

  /** Days the allowance is claimed for. */
  @IsInt()
  @Min(1)
  @Max(366)
  days!: number;

  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_FEN)
  allowanceFen!: number;

  @IsIn(ALLOWANCE_CLAIM_STATUSES)
  status!: AllowanceClaimStatus;
}

/**
 * `reception.record` v1 — an official reception (公务接待): a host unit treated guests from other units.
 * `officialLetterRef` is the reference of the official letter (公函), null when there was none.
 */
export class ReceptionRecordV1 {
  @IsIdentifier()
  recordId!: string;

  @IsIdentifier()
  hostUnitId!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsIdentifier({ each: true })
  guestUnitIds!: string[];

  @IsCalendarDate()
  date!: string;

  @IsInt()
  @Min(1)
  @Max(10_000)
  headcount!: number;

  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_FEN)
  amountFen!: number;

  @ValidateIf((record: ReceptionRecordV1) => record.officialLetterRef !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  officialLetterRef!: string | null;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  place!: string;
}
