import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlRunner } from '../facts/fact.repository';

export interface NewSnooze {
  modelKey: string;
  subjectType: string;
  subjectId: string;
  subjectName: string | null;
  regionCode: string;
  caseId: string;
  reason: string;
  /** Last day (Asia/Shanghai, inclusive) on which the model stays silent for the subject. */
  until: string;
  createdBy: string;
  createdByName: string;
}

export interface StoredSnooze {
  id: string;
  modelKey: string;
  subjectType: string;
  subjectId: string;
  subjectName: string | null;
  regionCode: string;
  caseId: string | null;
  reason: string;
  until: string;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  liftedAt: string | null;
  liftedBy: string | null;
  suppressedCount: number;
  /** Not lifted and `until` not yet past (today in Asia/Shanghai ≤ until). */
  active: boolean;
}

const TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;
const SNOOZE_COLUMNS = `id, model_key AS "modelKey", subject_type AS "subjectType", subject_id AS "subjectId", subject_name AS "subjectName",
  region_code AS "regionCode", case_id AS "caseId", reason, to_char(until_date, 'YYYY-MM-DD') AS "until", created_by AS "createdBy",
  created_by_name AS "createdByName", to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(lifted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "liftedAt", lifted_by AS "liftedBy", suppressed_count AS "suppressedCount",
  (lifted_at IS NULL AND until_date >= ${TODAY}) AS active`;

/**
 * (UPDATE … RETURNING is wrapped in a CTE read by SELECT: TypeORM answers a bare UPDATE with [rows, affectedCount].)
 *
 * Snoozes (暂停预警): a model kept silent for one subject until an end date. An expired snooze stays in the table
 * (history) and is simply no longer active; lifting one early sets lifted_at. One non-lifted snooze per model+subject.
 */
@Injectable()
export class SnoozeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The non-lifted snooze of a model and subject (active or expired), if any; locks it in `sql`'s transaction. */
  async findUnlifted(sql: SqlRunner, modelKey: string, subjectType: string, subjectId: string): Promise<StoredSnooze | undefined> {
    const rows = (await sql.query(
      `SELECT ${SNOOZE_COLUMNS} FROM risk_snoozes WHERE model_key = $1 AND subject_type = $2 AND subject_id = $3 AND lifted_at IS NULL FOR UPDATE`,
      [modelKey, subjectType, subjectId],
    )) as StoredSnooze[];
    return rows[0];
  }

  async insert(sql: SqlRunner, s: NewSnooze): Promise<StoredSnooze> {
    const [row] = (await sql.query(
      `INSERT INTO risk_snoozes (model_key, subject_type, subject_id, subject_name, region_code, case_id, reason, until_date, created_by, created_by_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9, $10) RETURNING ${SNOOZE_COLUMNS}`,
      [s.modelKey, s.subjectType, s.subjectId, s.subjectName, s.regionCode, s.caseId, s.reason, s.until, s.createdBy, s.createdByName],
    )) as StoredSnooze[];
    return row;
  }

  /** Sets lifted_at on a non-lifted snooze inside the region prefix; undefined when there is none (or out of jurisdiction). */
  async lift(sql: SqlRunner, id: string, regionPrefix: string | undefined, liftedBy: string): Promise<StoredSnooze | undefined> {
    const rows = (await sql.query(
      `WITH lifted AS (
         UPDATE risk_snoozes SET lifted_at = now(), lifted_by = $2::uuid
          WHERE id = $1::uuid AND lifted_at IS NULL AND ($3::text IS NULL OR region_code LIKE $3 || '%')
          RETURNING *)
       SELECT ${SNOOZE_COLUMNS} FROM lifted`,
      [id, liftedBy, regionPrefix ?? null],
    )) as StoredSnooze[];
    return rows[0];
  }

  async list(regionPrefix: string | undefined, activeOnly: boolean, limit: number, offset: number): Promise<{ items: StoredSnooze[]; total: number }> {
    const where = `WHERE ($1::text IS NULL OR region_code LIKE $1 || '%') AND (NOT $2::boolean OR (lifted_at IS NULL AND until_date >= ${TODAY}))`;
    const items = (await this.dataSource.query(`SELECT ${SNOOZE_COLUMNS} FROM risk_snoozes ${where} ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`, [
      regionPrefix ?? null,
      activeOnly,
      limit,
      offset,
    ])) as StoredSnooze[];
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM risk_snoozes ${where}`, [regionPrefix ?? null, activeOnly])) as { total: number }[];
    return { items, total };
  }

  /** Snoozes (any state) of a model and subject, newest first. */
  async forSubject(modelKey: string, subjectType: string, subjectId: string): Promise<StoredSnooze[]> {
    return (await this.dataSource.query(
      `SELECT ${SNOOZE_COLUMNS} FROM risk_snoozes WHERE model_key = $1 AND subject_type = $2 AND subject_id = $3 ORDER BY created_at DESC LIMIT 20`,
      [modelKey, subjectType, subjectId],
    )) as StoredSnooze[];
  }
}
