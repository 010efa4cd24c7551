import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A consumed meal (risk_meal_facts); `voided_at` is set by meal.voided. Written by SQL in FactRepository. */
@Entity({ name: 'risk_meal_facts' })
export class RiskMealFactEntity {
  @PrimaryColumn({ name: 'meal_id', type: 'uuid' }) mealId!: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @Column({ name: 'diner_id', type: 'text' }) dinerId!: string;
  @Column({ name: 'diner_unit_id', type: 'text' }) dinerUnitId!: string;
  @Column({ name: 'diner_region_code', type: 'varchar', length: 12 }) dinerRegionCode!: string;
  @Column({ name: 'canteen_id', type: 'text' }) canteenId!: string;
  @Column({ name: 'canteen_owner_unit_id', type: 'text' }) canteenOwnerUnitId!: string;
  @Column({ name: 'canteen_region_code', type: 'varchar', length: 12 }) canteenRegionCode!: string;
  @Column({ type: 'text' }) slot!: string;
  @Column({ name: 'meal_date', type: 'date' }) mealDate!: string;
  @Column({ name: 'scanned_at', type: 'timestamptz' }) scannedAt!: Date;
  @Column({ name: 'price_fen', type: 'bigint' }) priceFen!: string;
  @Column({ type: 'text' }) payer!: string;
  @Column({ name: 'payment_kind', type: 'text' }) paymentKind!: string;
  @Column({ name: 'scan_latitude', type: 'double precision' }) scanLatitude!: number;
  @Column({ name: 'scan_longitude', type: 'double precision' }) scanLongitude!: number;
  @Column({ name: 'distance_meters', type: 'double precision' }) distanceMeters!: number;
  @Column({ name: 'within_geofence', type: 'boolean' }) withinGeofence!: boolean;
  @Column({ name: 'voided_at', type: 'timestamptz', nullable: true }) voidedAt!: Date | null;
  @Column({ name: 'void_event_id', type: 'uuid', nullable: true }) voidEventId!: string | null;
}

/** A void that arrived before its scan (risk_meal_voids). */
@Entity({ name: 'risk_meal_voids' })
export class RiskMealVoidEntity {
  @PrimaryColumn({ name: 'meal_id', type: 'uuid' }) mealId!: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @Column({ name: 'voided_at', type: 'timestamptz' }) voidedAt!: Date;
}

/** The latest version (by occurredAt) of an allowance claim (risk_allowance_claims). */
@Entity({ name: 'risk_allowance_claims' })
export class RiskAllowanceClaimEntity {
  @PrimaryColumn({ name: 'claim_id', type: 'text' }) claimId!: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @Column({ name: 'diner_id', type: 'text' }) dinerId!: string;
  @Column({ name: 'diner_unit_id', type: 'text' }) dinerUnitId!: string;
  @Column({ name: 'trip_start', type: 'date' }) tripStart!: string;
  @Column({ name: 'trip_end', type: 'date' }) tripEnd!: string;
  @Column({ name: 'destination_region_code', type: 'varchar', length: 12 }) destinationRegionCode!: string;
  @Column({ type: 'integer' }) days!: number;
  @Column({ name: 'allowance_fen', type: 'bigint' }) allowanceFen!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt!: Date;
}

/** An official reception record (risk_reception_records). */
@Entity({ name: 'risk_reception_records' })
export class RiskReceptionRecordEntity {
  @PrimaryColumn({ name: 'record_id', type: 'text' }) recordId!: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @Column({ name: 'host_unit_id', type: 'text' }) hostUnitId!: string;
  @Column({ name: 'guest_unit_ids', type: 'text', array: true }) guestUnitIds!: string[];
  @Column({ type: 'date' }) date!: string;
  @Column({ type: 'integer' }) headcount!: number;
  @Column({ name: 'amount_fen', type: 'bigint' }) amountFen!: string;
  @Column({ name: 'official_letter_ref', type: 'text', nullable: true }) officialLetterRef!: string | null;
  @Column({ type: 'text' }) place!: string;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt!: Date;
}

export const RISK_FACT_ENTITIES = [RiskMealFactEntity, RiskMealVoidEntity, RiskAllowanceClaimEntity, RiskReceptionRecordEntity];
