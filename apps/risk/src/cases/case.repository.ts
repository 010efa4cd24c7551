import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface StoredCase {
  id: string;
  modelKey: string;
  subjectType: string;
  subjectId: string;
  subjectName: string | null;
  regionCode: string;
  status: string;
  severity: string;
  assigneeId: string | null;
  warningCount: number;
  firstWarningAt: string;
  lastWarningAt: string;
  closedAt: string | null;
}

export interface CaseFilter {
  status?: string;
  model?: string;
  regionPrefix?: string;
  limit: number;
  offset: number;
}

const TS = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const CASE_COLUMNS = `id, model_key AS "modelKey", subject_type AS "subjectType", subject_id AS "subjectId", subject_name AS "subjectName",
  region_code AS "regionCode", status, severity, assignee_id AS "assigneeId", warning_count AS "warningCount",
  ${TS('first_warning_at')} AS "firstWarningAt", ${TS('last_warning_at')} AS "lastWarningAt", ${TS('closed_at')} AS "closedAt"`;

/** SQL of risk_cases (reads; the evaluator's WarningRepository creates and extends them). */
@Injectable()
export class CaseRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filter: CaseFilter): Promise<{ items: StoredCase[]; total: number }> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (n: number) => string, value: unknown): void => {
      params.push(value);
      clauses.push(clause(params.length));
    };
    if (filter.status) add((n) => `status = $${n}`, filter.status);
    if (filter.model) add((n) => `model_key = $${n}`, filter.model);
    if (filter.regionPrefix !== undefined) add((n) => `region_code LIKE $${n} || '%'`, filter.regionPrefix);
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const items = (await this.dataSource.query(
      `SELECT ${CASE_COLUMNS} FROM risk_cases ${where} ORDER BY last_warning_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filter.limit, filter.offset],
    )) as StoredCase[];
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM risk_cases ${where}`, params)) as { total: number }[];
    return { items, total };
  }
}
