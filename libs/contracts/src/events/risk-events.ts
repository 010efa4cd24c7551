import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsIdentifier, IsRegionCode, IsUtcTimestamp } from '../validators';
import { MAX_AMOUNT_FEN } from './meal-events';

export const ALERT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_SUBJECT_TYPES = ['diner', 'unit', 'canteen', 'meal'] as const;
export type AlertSubjectType = (typeof ALERT_SUBJECT_TYPES)[number];

export const EVIDENCE_KINDS = ['meal', 'allowance-claim', 'reception-record', 'scan-location', 'other'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** One fact a warning rests on: a reference to a source record and a human-readable summary. */
export class AlertEvidenceV1 {
  @IsIn(EVIDENCE_KINDS)
  kind!: EvidenceKind;

  /** Id of the source record (mealId, claimId, recordId, ...). */
  @IsIdentifier()
  ref!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  summary!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_FEN)
  amountFen?: number;

  @IsOptional()
  @IsUtcTimestamp()
  occurredAt?: string;
}

/**
 * `risk.alert-raised` v1 — a warning model (重复领补, 同城单位相互吃请, geofence, ...) raised an alert and opened
 * or extended a case (线索) for the discipline inspectors of `jurisdictionRegionCode`.
 */
export class RiskAlertRaisedV1 {
  @IsUUID()
  alertId!: string;

  @IsUUID()
  caseId!: string;

  /** Model key, e.g. `duplicate-subsidy`, `same-city-treating`. */
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'model must be a lower-case kebab-case model key' })
  model!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(32)
  modelVersion!: string;

  @IsIn(ALERT_SEVERITIES)
  severity!: AlertSeverity;

  @IsIn(ALERT_SUBJECT_TYPES)
  subjectType!: AlertSubjectType;

  @IsIdentifier()
  subjectId!: string;

  @IsRegionCode()
  jurisdictionRegionCode!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  explanation!: string;

  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => AlertEvidenceV1)
  evidence!: AlertEvidenceV1[];

  @IsUtcTimestamp()
  raisedAt!: string;
}
