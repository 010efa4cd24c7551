import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A case (线索): the warnings of one model about one subject while it is open (`closed_at IS NULL`; a partial unique
 * index keeps one open case per model and subject). Table `risk_cases`, migration 1763900400000.
 */
@Entity({ name: 'risk_cases' })
export class RiskCaseEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'model_key', type: 'text' }) modelKey!: string;
  @Column({ name: 'subject_type', type: 'text' }) subjectType!: string;
  @Column({ name: 'subject_id', type: 'text' }) subjectId!: string;
  @Column({ name: 'subject_name', type: 'text', nullable: true }) subjectName!: string | null;
  /** Region of the subject: inspectors see cases whose region starts with their jurisdiction's prefix. */
  @Column({ name: 'region_code', type: 'varchar', length: 12 }) regionCode!: string;
  @Column({ type: 'text', default: 'new' }) status!: string;
  /** The highest severity of its warnings. */
  @Column({ type: 'text' }) severity!: string;
  @Column({ name: 'assignee_id', type: 'uuid', nullable: true }) assigneeId!: string | null;
  @Column({ name: 'warning_count', type: 'integer' }) warningCount!: number;
  @Column({ name: 'first_warning_at', type: 'timestamptz' }) firstWarningAt!: Date;
  @Column({ name: 'last_warning_at', type: 'timestamptz' }) lastWarningAt!: Date;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt!: Date | null;
  @Column({ type: 'text', nullable: true }) resolution!: string | null;
}
