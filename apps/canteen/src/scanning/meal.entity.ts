import { Column, Entity, PrimaryColumn } from 'typeorm';
import { OUTBOX_ENTITIES } from '@meal/kafka';

/** 就餐记录: one scan = one meal; its pass (就餐凭证) is signed from it (table `meals`, migration 1763900300000). */
@Entity({ name: 'meals' })
export class Meal {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'diner_id', type: 'uuid' })
  dinerId!: string;

  @Column({ name: 'diner_unit_id', type: 'uuid' })
  dinerUnitId!: string;

  @Column({ name: 'canteen_id', type: 'uuid' })
  canteenId!: string;

  @Column({ name: 'canteen_owner_unit_id', type: 'uuid' })
  canteenOwnerUnitId!: string;

  /** Asia/Shanghai calendar date, YYYY-MM-DD. */
  @Column({ name: 'meal_date', type: 'date' })
  mealDate!: string;

  @Column({ type: 'text' })
  slot!: string;

  @Column({ name: 'price_fen', type: 'integer' })
  priceFen!: number;

  @Column({ type: 'text' })
  payer!: 'self' | 'unit';

  @Column({ name: 'is_visitor', type: 'boolean' })
  isVisitor!: boolean;

  @Column({ type: 'text' })
  purpose!: 'official' | 'personal';

  @Column({ name: 'scanned_at', type: 'timestamptz' })
  scannedAt!: Date;

  @Column({ name: 'scan_latitude', type: 'double precision' })
  scanLatitude!: number;

  @Column({ name: 'scan_longitude', type: 'double precision' })
  scanLongitude!: number;

  @Column({ name: 'scan_accuracy_m', type: 'real', nullable: true })
  scanAccuracyM!: number | null;

  @Column({ name: 'distance_m', type: 'real' })
  distanceM!: number;

  @Column({ name: 'within_geofence', type: 'boolean' })
  withinGeofence!: boolean;

  @Column({ name: 'code_version', type: 'integer' })
  codeVersion!: number;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  @Column({ name: 'request_hash', type: 'text' })
  requestHash!: string;

  @Column({ type: 'text' })
  status!: 'issued' | 'verified' | 'voided';

  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt!: Date | null;

  @Column({ name: 'verified_by_terminal_id', type: 'uuid', nullable: true })
  verifiedByTerminalId!: string | null;

  @Column({ name: 'verified_offline', type: 'boolean' })
  verifiedOffline!: boolean;

  @Column({ name: 'voided_at', type: 'timestamptz', nullable: true })
  voidedAt!: Date | null;

  @Column({ name: 'void_reason', type: 'text', nullable: true })
  voidReason!: string | null;

  @Column({ name: 'void_idempotency_key', type: 'text', nullable: true })
  voidIdempotencyKey!: string | null;
}

/** A canteen's pass-signing key pair. Production would keep private keys in a KMS/HSM, not in the database. */
@Entity({ name: 'canteen_pass_keys' })
export class CanteenPassKey {
  @PrimaryColumn({ name: 'canteen_id', type: 'uuid' })
  canteenId!: string;

  @Column({ type: 'text' })
  kid!: string;

  @Column({ name: 'private_key_pem', type: 'text' })
  privateKeyPem!: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: Record<string, string>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** An offline verification a terminal uploaded; keyed by the terminal's confirmation id (idempotent sync). */
@Entity({ name: 'terminal_confirmations' })
export class TerminalConfirmation {
  @PrimaryColumn({ name: 'confirmation_id', type: 'uuid' })
  confirmationId!: string;

  @Column({ name: 'terminal_id', type: 'uuid' })
  terminalId!: string;

  @Column({ name: 'meal_id', type: 'uuid', nullable: true })
  mealId!: string | null;

  @Column({ name: 'verified_at', type: 'timestamptz' })
  verifiedAt!: Date;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'text' })
  outcome!: 'accepted' | 'duplicate' | 'refused';

  @Column({ type: 'text', nullable: true })
  code!: string | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;
}

/** Every entity of scanning (with the outbox's); add to the service's entity list. */
export const SCANNING_ENTITIES = [Meal, CanteenPassKey, TerminalConfirmation, ...OUTBOX_ENTITIES];
