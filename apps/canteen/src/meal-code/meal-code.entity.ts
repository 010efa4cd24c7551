import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MealCodeStatus } from './meal-code-status.enum';

/**
 * 用餐码: one version of a canteen's QR meal code (table `meal_codes`, migration 1763900200000).
 * `token` is the signed JWS; the QR text is `<publicBaseUrl>/m/<token>`.
 */
@Entity({ name: 'meal_codes' })
export class MealCode {
  @PrimaryColumn({ name: 'canteen_id', type: 'uuid' })
  canteenId!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'text' })
  token!: string;

  @Column({ type: 'text' })
  status!: MealCodeStatus;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt!: Date | null;

  @Column({ name: 'grace_until', type: 'timestamptz', nullable: true })
  graceUntil!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason!: string | null;
}

/** Every entity of the meal-code feature, for the service's explicit entity list. */
export const MEAL_CODE_ENTITIES = [MealCode];
