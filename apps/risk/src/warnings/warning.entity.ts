import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EvidenceItem } from '../models/warning-model';

/** One warning a model raised (table `risk_warnings`, migration 1763900400000). Written by SQL in WarningRepository. */
@Entity({ name: 'risk_warnings' })
export class RiskWarningEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'model_key', type: 'text' }) modelKey!: string;
  @Column({ name: 'model_version', type: 'text' }) modelVersion!: string;
  @Column({ name: 'settings_revision', type: 'integer' }) settingsRevision!: number;
  @Column({ type: 'jsonb' }) thresholds!: Record<string, unknown>;
  @Column({ type: 'text' }) severity!: string;
  @Column({ name: 'subject_type', type: 'text' }) subjectType!: string;
  @Column({ name: 'subject_id', type: 'text' }) subjectId!: string;
  @Column({ name: 'subject_name', type: 'text', nullable: true }) subjectName!: string | null;
  @Column({ name: 'region_code', type: 'varchar', length: 12 }) regionCode!: string;
  /** Unique: a re-evaluation or redelivery never makes a second warning. */
  @Column({ name: 'dedupe_key', type: 'text', unique: true }) dedupeKey!: string;
  @Column({ type: 'jsonb' }) evidence!: EvidenceItem[];
  @Column({ type: 'text' }) explanation!: string;
  @Column({ name: 'trigger_event_id', type: 'uuid' }) triggerEventId!: string;
  @Column({ name: 'business_date', type: 'date' }) businessDate!: string;
  @Column({ name: 'case_id', type: 'uuid', nullable: true }) caseId!: string | null;
  @Column({ name: 'raised_at', type: 'timestamptz' }) raisedAt!: Date;
}
