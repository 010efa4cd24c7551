import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The live settings of one warning model (table `risk_model_settings`, seeded by migration 1763900400000). */
@Entity({ name: 'risk_model_settings' })
export class RiskModelSettingsEntity {
  @PrimaryColumn({ name: 'model_key', type: 'text' }) modelKey!: string;
  @Column({ type: 'boolean' }) enabled!: boolean;
  @Column({ type: 'text' }) severity!: string;
  @Column({ type: 'jsonb' }) thresholds!: Record<string, unknown>;
  /** 'all' or a region code prefix. */
  @Column({ type: 'text' }) scope!: string;
  /** Bumped by every change; each warning records the revision it was raised under. */
  @Column({ type: 'integer' }) revision!: number;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'updated_by', type: 'text', nullable: true }) updatedBy!: string | null;
}
