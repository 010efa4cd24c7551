import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlRunner } from '../facts/fact.repository';
import { EvidenceItem } from '../models/warning-model';
import { CaseResolution, CaseStatus } from './case-workflow';

export interface StoredCase {
  id: string;
  modelKey: string;
  subjectType: string;
  subjectId: string;
  subjectName: string | null;
  regionCode: string;
  status: CaseStatus;
  severity: string;
  assigneeId: string | null;
  assigneeName: string | null;
  warningCount: number;
  firstWarningAt: string;
  lastWarningAt: string;
  createdAt: string;
  updatedAt: string;
  assignedAt: string | null;
  closedAt: string | null;
  resolution: CaseResolution | null;
}

export const CASE_SORT_KEYS = ['lastWarningAt', 'firstWarningAt', 'severity', 'warningCount', 'updatedAt', 'createdAt'] as const;
export type CaseSortKey = (typeof CASE_SORT_KEYS)[number];

export interface CaseFilter {
  /** Region code prefix of the reader's jurisdiction; undefined = everything. */
  jurisdictionPrefix?: string;
  /** A narrower region (prefix) chosen by the reader. */
  regionPrefix?: string;
  status?: CaseStatus | 'open';
  resolution?: CaseResolution;
  model?: string;
  severity?: string;
  subjectType?: string;
  /** Cases about this unit: the unit itself, a pair/group containing it, its staff, its canteens. */
  unitId?: string;
  /** 'none' = unassigned, otherwise a staff id. */
  assignee?: string;
  /** Asia/Shanghai days, inclusive, on the case's last warning. */
  from?: string;
  to?: string;
  sort?: CaseSortKey;
  order?: 'asc' | 'desc';
}

const TS = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const CASE_COLUMNS = `c.id, c.model_key AS "modelKey", c.subject_type AS "subjectType", c.subject_id AS "subjectId", c.subject_name AS "subjectName",
  c.region_code AS "regionCode", c.status, c.severity, c.assignee_id AS "assigneeId", a.name AS "assigneeName", c.warning_count AS "warningCount",
  ${TS('c.first_warning_at')} AS "firstWarningAt", ${TS('c.last_warning_at')} AS "lastWarningAt", ${TS('c.created_at')} AS "createdAt",
  ${TS('c.updated_at')} AS "updatedAt", ${TS('c.assigned_at')} AS "assignedAt", ${TS('c.closed_at')} AS "closedAt", c.resolution`;
const FROM_CASES = `risk_cases c LEFT JOIN staff a ON a.id = c.assignee_id`;

const SORT_COLUMNS: Record<CaseSortKey, string> = {
  lastWarningAt: 'c.last_warning_at',
  firstWarningAt: 'c.first_warning_at',
  severity: 'c.severity_rank',
  warningCount: 'c.warning_count',
  updatedAt: 'c.updated_at',
  createdAt: 'c.created_at',
};

/** A warning of a case, as the detail page shows it. */
export interface CaseWarningRow {
  id: string;
  modelVersion: string;
  settingsRevision: number;
  thresholds: Record<string, unknown>;
  severity: string;
  explanation: string;
  businessDate: string;
  raisedAt: string;
  evidence: EvidenceItem[];
}

export interface CaseNoteRow {
  id: string;
  authorId: string;
  authorName: string;
  body: string;
  createdAt: string;
}

export interface CaseAttachmentRow {
  id: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedByName: string;
  uploadedAt: string;
}

/** SQL of risk_cases and their notes and attachments (the evaluator's WarningRepository creates and extends cases). */
@Injectable()
export class CaseRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private where(filter: CaseFilter): { where: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (n: number) => string, value: unknown): void => {
      params.push(value);
      clauses.push(clause(params.length));
    };
    if (filter.jurisdictionPrefix !== undefined) add((n) => `c.region_code LIKE $${n} || '%'`, filter.jurisdictionPrefix);
    if (filter.regionPrefix !== undefined) add((n) => `c.region_code LIKE $${n} || '%'`, filter.regionPrefix);
    if (filter.status === 'open') clauses.push(`c.closed_at IS NULL`);
    else if (filter.status) add((n) => `c.status = $${n}`, filter.status);
    if (filter.resolution) add((n) => `c.resolution = $${n}`, filter.resolution);
    if (filter.model) add((n) => `c.model_key = $${n}`, filter.model);
    if (filter.severity) add((n) => `c.severity = $${n}`, filter.severity);
    if (filter.subjectType) add((n) => `c.subject_type = $${n}`, filter.subjectType);
    if (filter.assignee === 'none') clauses.push(`c.assignee_id IS NULL`);
    else if (filter.assignee) add((n) => `c.assignee_id = $${n}::uuid`, filter.assignee);
    if (filter.from) add((n) => `c.last_warning_at >= ($${n}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`, filter.from);
    if (filter.to) add((n) => `c.last_warning_at < (($${n}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`, filter.to);
    if (filter.unitId) {
      add(
        (n) => `(c.subject_id = $${n}
          OR (c.subject_type IN ('unit-pair', 'unit-group') AND $${n} = ANY (string_to_array(c.subject_id, '+')))
          OR (c.subject_type = 'diner' AND c.subject_id IN (SELECT s.id::text FROM staff s WHERE s.unit_id = $${n}::uuid))
          OR (c.subject_type = 'canteen' AND c.subject_id IN (SELECT k.id::text FROM canteens k WHERE k.owner_unit_id = $${n}::uuid)))`,
        filter.unitId,
      );
    }
    return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }

  private orderBy(filter: CaseFilter): string {
    const direction = filter.order === 'asc' ? 'ASC' : 'DESC';
    return `ORDER BY ${SORT_COLUMNS[filter.sort ?? 'lastWarningAt']} ${direction}, c.id ${direction}`;
  }

  async list(filter: CaseFilter, limit: number, offset: number): Promise<{ items: StoredCase[]; total: number }> {
    const { where, params } = this.where(filter);
    const items = (await this.dataSource.query(
      `SELECT ${CASE_COLUMNS} FROM ${FROM_CASES} ${where} ${this.orderBy(filter)} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    )) as StoredCase[];
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM risk_cases c ${where}`, params)) as { total: number }[];
    return { items, total };
  }

  /** Every case of the filter (export), in pages of `batch` rows through `onRows`; stops after `max` rows. */
  async forEachCase(filter: CaseFilter, max: number, onRows: (rows: StoredCase[]) => void, batch = 1000): Promise<number> {
    const { where, params } = this.where(filter);
    let seen = 0;
    for (let offset = 0; offset < max; offset += batch) {
      const rows = (await this.dataSource.query(
        `SELECT ${CASE_COLUMNS} FROM ${FROM_CASES} ${where} ${this.orderBy(filter)} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, Math.min(batch, max - offset), offset],
      )) as StoredCase[];
      onRows(rows);
      seen += rows.length;
      if (rows.length < batch) break;
    }
    return seen;
  }

  /** One case inside the jurisdiction prefix (undefined = any); `lock` takes its row lock in `sql`'s transaction. */
  async find(sql: SqlRunner, id: string, jurisdictionPrefix: string | undefined, lock = false): Promise<StoredCase | undefined> {
    const rows = (await sql.query(
      `SELECT ${CASE_COLUMNS} FROM ${FROM_CASES}
        WHERE c.id = $1::uuid AND ($2::text IS NULL OR c.region_code LIKE $2 || '%') ${lock ? 'FOR UPDATE OF c' : ''}`,
      [id, jurisdictionPrefix ?? null],
    )) as StoredCase[];
    return rows[0];
  }

  /** Several cases inside the jurisdiction, locked in id order (so two bulk operations never deadlock). */
  async lockMany(sql: SqlRunner, ids: string[], jurisdictionPrefix: string | undefined): Promise<StoredCase[]> {
    return (await sql.query(
      `SELECT ${CASE_COLUMNS} FROM ${FROM_CASES}
        WHERE c.id = ANY ($1::uuid[]) AND ($2::text IS NULL OR c.region_code LIKE $2 || '%')
        ORDER BY c.id FOR UPDATE OF c`,
      [ids, jurisdictionPrefix ?? null],
    )) as StoredCase[];
  }

  // UPDATE … RETURNING statements are wrapped in a CTE and read with SELECT: TypeORM answers a bare UPDATE or DELETE
  // on PostgreSQL with [rows, affectedCount] instead of the rows.

  /**
   * Takes the most severe, oldest new case of the jurisdiction for one inspector: the row is locked with
   * FOR UPDATE SKIP LOCKED, so concurrent callers each get a different case and none waits for another.
   */
  async takeNext(sql: SqlRunner, jurisdictionPrefix: string, assigneeId: string, model: string | undefined): Promise<StoredCase | undefined> {
    const rows = (await sql.query(
      `WITH next AS (
         SELECT id FROM risk_cases
          WHERE status = 'new' AND region_code LIKE $1 || '%' AND ($3::text IS NULL OR model_key = $3)
          ORDER BY severity_rank DESC, first_warning_at, id
          LIMIT 1
          FOR UPDATE SKIP LOCKED),
       taken AS (
         UPDATE risk_cases c SET status = 'assigned', assignee_id = $2::uuid, assigned_at = now(), updated_at = now()
           FROM next WHERE c.id = next.id
         RETURNING c.id)
       SELECT id FROM taken`,
      [jurisdictionPrefix, assigneeId, model ?? null],
    )) as { id: string }[];
    return rows[0] ? this.find(sql, rows[0].id, undefined) : undefined;
  }

  /** Writes a decided transition. */
  async applyTransition(
    sql: SqlRunner,
    id: string,
    change: { status: CaseStatus; assigneeId: string | null; resolution: CaseResolution | null; assignedNow: boolean },
  ): Promise<void> {
    await sql.query(
      `UPDATE risk_cases SET status = $2, assignee_id = $3::uuid, resolution = $4,
              closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE NULL END,
              assigned_at = CASE WHEN $5::boolean THEN now() ELSE assigned_at END,
              updated_at = now()
        WHERE id = $1::uuid`,
      [id, change.status, change.assigneeId, change.resolution, change.assignedNow],
    );
  }

  /** The open case of the same model and subject other than `id`, if any (a reopen would collide with it). */
  async otherOpenCase(sql: SqlRunner, kase: StoredCase): Promise<string | undefined> {
    const rows = (await sql.query(
      `SELECT id FROM risk_cases WHERE model_key = $1 AND subject_type = $2 AND subject_id = $3 AND closed_at IS NULL AND id <> $4::uuid`,
      [kase.modelKey, kase.subjectType, kase.subjectId, kase.id],
    )) as { id: string }[];
    return rows[0]?.id;
  }

  async touch(sql: SqlRunner, id: string): Promise<void> {
    await sql.query(`UPDATE risk_cases SET updated_at = now() WHERE id = $1::uuid`, [id]);
  }

  /** The warnings of a case, newest first (at most `limit`). */
  async warnings(id: string, limit = 500): Promise<CaseWarningRow[]> {
    return (await this.dataSource.query(
      `SELECT id, model_version AS "modelVersion", settings_revision AS "settingsRevision", thresholds, severity, explanation,
              to_char(business_date, 'YYYY-MM-DD') AS "businessDate", ${TS('raised_at')} AS "raisedAt", evidence
         FROM risk_warnings WHERE case_id = $1::uuid ORDER BY raised_at DESC, id LIMIT $2`,
      [id, limit],
    )) as CaseWarningRow[];
  }

  async insertNote(sql: SqlRunner, caseId: string, authorId: string, authorName: string, body: string): Promise<CaseNoteRow> {
    const [row] = (await sql.query(
      `INSERT INTO risk_case_notes (case_id, author_id, author_name, body) VALUES ($1::uuid, $2::uuid, $3, $4)
       RETURNING id, author_id AS "authorId", author_name AS "authorName", body, ${TS('created_at')} AS "createdAt"`,
      [caseId, authorId, authorName, body],
    )) as CaseNoteRow[];
    return row;
  }

  async notes(caseId: string): Promise<CaseNoteRow[]> {
    return (await this.dataSource.query(
      `SELECT id, author_id AS "authorId", author_name AS "authorName", body, ${TS('created_at')} AS "createdAt"
         FROM risk_case_notes WHERE case_id = $1::uuid ORDER BY created_at, id`,
      [caseId],
    )) as CaseNoteRow[];
  }

  async insertAttachment(
    sql: SqlRunner,
    a: { caseId: string; fileName: string; contentType: string; content: Buffer; sha256: string; uploadedBy: string; uploadedByName: string },
  ): Promise<CaseAttachmentRow> {
    const [row] = (await sql.query(
      `INSERT INTO risk_case_attachments (case_id, file_name, content_type, size_bytes, sha256, content, uploaded_by, uploaded_by_name)
       VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::uuid, $8)
       RETURNING id, file_name AS "fileName", content_type AS "contentType", size_bytes AS "sizeBytes", sha256, uploaded_by AS "uploadedBy",
                 uploaded_by_name AS "uploadedByName", ${TS('uploaded_at')} AS "uploadedAt"`,
      [a.caseId, a.fileName, a.contentType, a.content.length, a.sha256, a.content, a.uploadedBy, a.uploadedByName],
    )) as CaseAttachmentRow[];
    return row;
  }

  async attachments(caseId: string): Promise<CaseAttachmentRow[]> {
    return (await this.dataSource.query(
      `SELECT id, file_name AS "fileName", content_type AS "contentType", size_bytes AS "sizeBytes", sha256, uploaded_by AS "uploadedBy",
              uploaded_by_name AS "uploadedByName", ${TS('uploaded_at')} AS "uploadedAt"
         FROM risk_case_attachments WHERE case_id = $1::uuid ORDER BY uploaded_at, id`,
      [caseId],
    )) as CaseAttachmentRow[];
  }

  async attachmentContent(caseId: string, attachmentId: string): Promise<{ fileName: string; contentType: string; content: Buffer } | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT file_name AS "fileName", content_type AS "contentType", content FROM risk_case_attachments WHERE case_id = $1::uuid AND id = $2::uuid`,
      [caseId, attachmentId],
    )) as { fileName: string; contentType: string; content: Buffer }[];
    return rows[0];
  }
}
