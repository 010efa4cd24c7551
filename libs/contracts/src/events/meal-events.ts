import { IsBoolean, IsIn, IsInt, IsNumber, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsCalendarDate, IsIdentifier, IsRegionCode, IsUtcTimestamp, MEAL_SLOTS, MealSlot } from '../validators';

/** Who pays for the meal: the diner (个人支付) or the diner's unit (公务结算). */
export const MEAL_PAYERS = ['self', 'unit'] as const;
export type MealPayer = (typeof MEAL_PAYERS)[number];

/** How the meal was paid. */
export const PAYMENT_KINDS = ['unit-settlement', 'personal-wallet', 'mobile-pay', 'payroll-deduction'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];

/** The largest single amount a contract accepts, in fen (¥100,000,000.00): guards against unit mistakes. */
export const MAX_AMOUNT_FEN = 10_000_000_000;

/**
 * `meal.scanned` v1 — a diner scanned a canteen's meal code (用餐码) and a meal pass was issued.
 * Money in integer fen; `mealDate` is the Asia/Shanghai calendar day of the meal; times are UTC.
 */
export class MealScannedV1 {
  @IsUUID()
  mealId!: string;

  /** Staff id of the diner. */
  @IsIdentifier()
  dinerId!: string;

  @IsIdentifier()
  dinerUnitId!: string;

  @IsRegionCode()
  dinerRegionCode!: string;

  @IsIdentifier()
  canteenId!: string;

  @IsIdentifier()
  canteenOwnerUnitId!: string;

  @IsRegionCode()
  canteenRegionCode!: string;

  @IsIn(MEAL_SLOTS)
  slot!: MealSlot;

  @IsCalendarDate()
  mealDate!: string;

  @IsUtcTimestamp()
  scannedAt!: string;

  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_FEN)
  priceFen!: number;

  @IsIn(MEAL_PAYERS)
  payer!: MealPayer;

  @IsIn(PAYMENT_KINDS)
  paymentKind!: PaymentKind;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  scanLatitude!: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  scanLongitude!: number;

  /** Distance between the phone and the canteen's registered location. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  distanceMeters!: number;

  @IsBoolean()
  withinGeofence!: boolean;

  /** Version of the canteen's meal code that was scanned (codes are rotated when revoked). */
  @IsInt()
  @Min(1)
  codeVersion!: number;
}

/** `meal.verified` v1 — a canteen terminal verified the diner's meal pass (possibly offline, synced later). */
export class MealVerifiedV1 {
  @IsUUID()
  mealId!: string;

  @IsIdentifier()
  dinerId!: string;

  @IsIdentifier()
  canteenId!: string;

  @IsIdentifier()
  terminalId!: string;

  @IsUtcTimestamp()
  verifiedAt!: string;

  /** True when the terminal verified without a connection and uploaded afterwards. */
  @IsBoolean()
  offline!: boolean;
}

/** `meal.voided` v1 — a meal was cancelled; `refundFen` is what goes back to the payer (0 when nothing was paid). */
export class MealVoidedV1 {
  @IsUUID()
  mealId!: string;

  @IsIdentifier()
  dinerId!: string;

  @IsIdentifier()
  canteenId!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;

  @IsUtcTimestamp()
  voidedAt!: string;

  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_FEN)
  refundFen!: number;
}
