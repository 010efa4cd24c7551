import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlRunner } from '../facts/fact.repository';
import { EvidenceItem } from '../models/warning-model';

/** A warning as the evaluator stores it. */
export interface NewWarning {
  modelKey: string;
  modelVersion: string;
  settingsRevision: number;
  thresholds: object;
  severity: string;
  subjectType: string;
  subjectId: string;
  subjectName: string;
  regionCode: string;
  dedupeKey: string;
  evidence: EvidenceItem[];
  explanation: string;
  triggerEventId: string;
  businessDate: string;
}

export interface StoredWarning extends NewWarning {
  id: string;
  caseId: string;
  raisedAt: string;
}

export interface WarningFilter {
  model?: string;
  subjectId?: string;
  caseId?: string;
  /** Region code prefix of the reader's jurisdiction; undefined = everything. */
  regionPrefix?: string;
  limit: number;
  offset: number;
}

const WARNING_COLUMNS = `id, model_key AS "modelKey", model_version AS "modelVersion", settings_revision AS "settingsRevision", thresholds, severity,
  subject_type AS "subjectType", subject_id AS "subjectId", subject_name AS "subjectName", region_code AS "regionCode", dedupe_key AS "dedupeKey",
  evidence, explanation, trigger_event_id AS "triggerEventId", to_char(business_date, 'YYYY-MM-DD') AS "businessDate", case_id AS "caseId",
  to_char(raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "raisedAt"`;

/** SQL of risk_warnings and the grouping into risk_cases. */
@Injectable()
export class WarningRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts the warning unless its dedupe key exists, then attaches it to the open case of (model, subject) —
   * creating the case or counting one more warning in it. Returns undefined for a duplicate. Runs in `sql`'s transaction.
   */
  async insertWithCase(sql: SqlRunner, w: NewWarning): Promise<StoredWarning | undefined> {
    const inserted = (await sql.query(
      `INSERT INTO risk_warnings (model_key, model_version, settings_revision, thresholds, severity, subject_type, subject_id, subject_name, region_code,
         dedupe_key, evidence, explanation, trigger_event_id, business_date)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id, to_char(raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "raisedAt"`,
      [
        w.modelKey, w.modelVersion, w.settingsRevision, JSON.stringify(w.thresholds), w.severity, w.subjectType, w.subjectId, w.subjectName, w.regionCode,
        w.dedupeKey, JSON.stringify(w.evidence), w.explanation, w.triggerEventId, w.businessDate,
      ],
    )) as { id: string; raisedAt: string }[];
    const row = inserted[0];
    if (!row) return undefined;
    const [kase] = (await sql.query(
      `INSERT INTO risk_cases (model_key, subject_type, subject_id, subject_name, region_code, severity, warning_count, first_warning_at, last_warning_at)
       VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)
       ON CONFLICT (model_key, subject_type, subject_id) WHERE closed_at IS NULL DO UPDATE SET
         warning_count = risk_cases.warning_count + 1,
         last_warning_at = GREATEST(risk_cases.last_warning_at, EXCLUDED.last_warning_at),
         updated_at = now(),
         severity = CASE WHEN array_position(ARRAY['low','medium','high','critical'], EXCLUDED.severity)
                            > array_position(ARRAY['low','medium','high','critical'], risk_cases.severity)
                         THEN EXCLUDED.severity ELSE risk_cases.severity END
       RETURNING id`,
      [w.modelKey, w.subjectType, w.subjectId, w.subjectName, w.regionCode, w.severity, row.raisedAt],
    )) as { id: string }[];
    await sql.query(`UPDATE risk_warnings SET case_id = $2 WHERE id = $1`, [row.id, kase.id]);
    return { ...w, id: row.id, caseId: kase.id, raisedAt: row.raisedAt };
  }

  async list(filter: WarningFilter): Promise<{ items: StoredWarning[]; total: number }> {
    const { where, params } = this.where(filter);
    const items = (await this.dataSource.query(
      `SELECT ${WARNING_COLUMNS} FROM risk_warnings ${where} ORDER BY raised_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filter.limit, filter.offset],
    )) as StoredWarning[];
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM risk_warnings ${where}`, params)) as { total: number }[];
    return { items, total };
  }

  /** Dedupe keys of the stored warnings of a model with business dates in [from, to] (either end optional). */
  async liveKeys(modelKey: string, from: string | undefined, to: string | undefined): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT dedupe_key AS "dedupeKey" FROM risk_warnings WHERE model_key = $1 AND ($2::date IS NULL OR business_date >= $2) AND ($3::date IS NULL OR business_date <= $3)`,
      [modelKey, from ?? null, to ?? null],
    )) as { dedupeKey: string }[];
    return rows.map((r) => r.dedupeKey);
  }

  private where(filter: WarningFilter): { where: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (n: number) => string, value: unknown): void => {
      params.push(value);
      clauses.push(clause(params.length));
    };
    if (filter.model) add((n) => `model_key = $${n}`, filter.model);
    if (filter.subjectId) add((n) => `subject_id = $${n}`, filter.subjectId);
    if (filter.caseId) add((n) => `case_id = $${n}`, filter.caseId);
    if (filter.regionPrefix !== undefined) add((n) => `region_code LIKE $${n} || '%'`, filter.regionPrefix);
    return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }
}
