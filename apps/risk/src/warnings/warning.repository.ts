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
   * The evaluator's store of a batch's warnings, in one statement (run in `sql`'s transaction, under the batch's
   * advisory locks): a model snoozed for a subject today stays silent (each of its warnings counts in the snooze's
   * suppressed_count; no warning, no case opened or extended); of the others, each dedupe key not stored yet becomes a
   * warning (the first of a key in `list` wins, as one-by-one inserts would), counted into the open case of its
   * (model, subject) — created or updated in key order, so concurrent batches lock cases in one order — whose id it
   * carries. Returns, aligned with `list`, the stored warning or undefined (snoozed or a duplicate).
   */
  async storeBatch(sql: SqlRunner, list: readonly NewWarning[]): Promise<(StoredWarning | undefined)[]> {
    if (list.length === 0) return [];
    const col = <K extends keyof NewWarning>(key: K): NewWarning[K][] => list.map((w) => w[key]);
    const rows = (await sql.query(
      `WITH d AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::varchar[], $10::text[],
           $11::text[], $12::text[], $13::uuid[], $14::date[]) WITH ORDINALITY
           AS t(model_key, model_version, settings_revision, thresholds, severity, subject_type, subject_id, subject_name, region_code, dedupe_key,
             evidence, explanation, trigger_event_id, business_date, ord)
       ),
       subjects AS (SELECT model_key, subject_type, subject_id, count(*)::int AS n FROM d GROUP BY model_key, subject_type, subject_id),
       snoozed AS (
         UPDATE risk_snoozes s SET suppressed_count = s.suppressed_count + subjects.n FROM subjects
          WHERE s.model_key = subjects.model_key AND s.subject_type = subjects.subject_type AND s.subject_id = subjects.subject_id
            AND s.lifted_at IS NULL AND s.until_date >= (now() AT TIME ZONE 'Asia/Shanghai')::date
          RETURNING s.model_key, s.subject_type, s.subject_id
       ),
       fresh AS (
         SELECT DISTINCT ON (d.dedupe_key) d.* FROM d
          WHERE NOT EXISTS (SELECT 1 FROM snoozed x WHERE x.model_key = d.model_key AND x.subject_type = d.subject_type AND x.subject_id = d.subject_id)
            AND NOT EXISTS (SELECT 1 FROM risk_warnings w WHERE w.dedupe_key = d.dedupe_key)
          ORDER BY d.dedupe_key, d.ord
       ),
       groups AS (
         SELECT model_key, subject_type, subject_id, (array_agg(subject_name ORDER BY ord))[1] AS subject_name,
           (array_agg(region_code ORDER BY ord))[1] AS region_code,
           (ARRAY['low','medium','high','critical'])[max(array_position(ARRAY['low','medium','high','critical'], severity))] AS severity,
           count(*)::int AS n
         FROM fresh GROUP BY model_key, subject_type, subject_id
       ),
       cases AS (
         INSERT INTO risk_cases (model_key, subject_type, subject_id, subject_name, region_code, severity, warning_count, first_warning_at, last_warning_at)
         SELECT model_key, subject_type, subject_id, subject_name, region_code, severity, n, now(), now() FROM groups
          ORDER BY model_key, subject_type, subject_id
         ON CONFLICT (model_key, subject_type, subject_id) WHERE closed_at IS NULL DO UPDATE SET
           warning_count = risk_cases.warning_count + EXCLUDED.warning_count,
           last_warning_at = GREATEST(risk_cases.last_warning_at, EXCLUDED.last_warning_at),
           updated_at = now(),
           severity = CASE WHEN array_position(ARRAY['low','medium','high','critical'], EXCLUDED.severity)
                              > array_position(ARRAY['low','medium','high','critical'], risk_cases.severity)
                           THEN EXCLUDED.severity ELSE risk_cases.severity END
         RETURNING id, model_key, subject_type, subject_id
       ),
       inserted AS (
         INSERT INTO risk_warnings (model_key, model_version, settings_revision, thresholds, severity, subject_type, subject_id, subject_name, region_code,
           dedupe_key, evidence, explanation, trigger_event_id, business_date, case_id)
         SELECT f.model_key, f.model_version, f.settings_revision, f.thresholds::jsonb, f.severity, f.subject_type, f.subject_id, f.subject_name, f.region_code,
           f.dedupe_key, f.evidence::jsonb, f.explanation, f.trigger_event_id, f.business_date, c.id
         FROM fresh f JOIN cases c ON c.model_key = f.model_key AND c.subject_type = f.subject_type AND c.subject_id = f.subject_id
         ORDER BY f.ord
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id, dedupe_key, case_id, raised_at
       )
       SELECT id, dedupe_key AS "dedupeKey", case_id AS "caseId", to_char(raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "raisedAt" FROM inserted`,
      [
        col('modelKey'), col('modelVersion'), col('settingsRevision'), list.map((w) => JSON.stringify(w.thresholds)), col('severity'), col('subjectType'),
        col('subjectId'), col('subjectName'), col('regionCode'), col('dedupeKey'), list.map((w) => JSON.stringify(w.evidence)), col('explanation'),
        col('triggerEventId'), col('businessDate'),
      ],
    )) as { id: string; dedupeKey: string; caseId: string; raisedAt: string }[];
    const byKey = new Map(rows.map((r) => [r.dedupeKey, r]));
    return list.map((w) => {
      const row = byKey.get(w.dedupeKey);
      if (!row) return undefined;
      byKey.delete(w.dedupeKey); // the first draft of a key is the stored one
      return { ...w, id: row.id, caseId: row.caseId, raisedAt: row.raisedAt };
    });
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
