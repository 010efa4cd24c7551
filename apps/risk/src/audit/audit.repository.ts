import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CorrelationContext } from '@meal/platform';
import { SqlRunner } from '../facts/fact.repository';
import { NewAuditEntry, StoredAuditEntry } from './audit.types';

const AUDIT_COLUMNS = `id::text AS id, case_id AS "caseId", actor_id AS "actorId", actor_name AS "actorName", action, changes, detail,
  correlation_id AS "correlationId", to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "at"`;

/**
 * The append-only audit trail (risk_case_audit). Only INSERT and SELECT exist here; the table's trigger refuses
 * UPDATE, DELETE and TRUNCATE for everyone, so not even a bug in this service can rewrite history.
 */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Appends entries in the caller's transaction (the same one as the change they describe). */
  async append(sql: SqlRunner, entries: NewAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const correlationId = CorrelationContext.current() ?? null;
    await sql.query(
      `INSERT INTO risk_case_audit (case_id, actor_id, actor_name, action, changes, detail, correlation_id)
       SELECT e.case_id, e.actor_id, e.actor_name, e.action, e.changes, e.detail, $2
         FROM jsonb_to_recordset($1::jsonb) AS e(case_id uuid, actor_id uuid, actor_name text, action text, changes jsonb, detail jsonb, ord int)
        ORDER BY e.ord`,
      [
        JSON.stringify(
          entries.map((e, ord) => ({ case_id: e.caseId, actor_id: e.actor.id, actor_name: e.actor.name, action: e.action, changes: e.changes ?? {}, detail: e.detail ?? {}, ord })),
        ),
        correlationId,
      ],
    );
  }

  /** The whole trail of one case, oldest first (ORDER BY a.id: the bigint column, not the text alias `id`). */
  async listForCase(caseId: string, sql: SqlRunner = this.dataSource): Promise<StoredAuditEntry[]> {
    return (await sql.query(`SELECT ${AUDIT_COLUMNS} FROM risk_case_audit a WHERE a.case_id = $1 ORDER BY a.id`, [caseId])) as StoredAuditEntry[];
  }
}
