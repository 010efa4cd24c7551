import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AlertSeverity } from '@meal/contracts';
import { DataSource } from 'typeorm';
import { SqlRunner } from '../facts/fact.repository';

/** One row of risk_model_settings. */
export interface ModelSettingsRow {
  key: string;
  enabled: boolean;
  severity: AlertSeverity;
  thresholds: Record<string, unknown>;
  scope: string;
  revision: number;
  updatedAt: string;
  updatedBy: string | null;
}

const COLUMNS = `model_key AS key, enabled, severity, thresholds, scope, revision,
  to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt", updated_by AS "updatedBy"`;

export interface SettingsChange {
  enabled: boolean;
  severity: AlertSeverity;
  thresholds: object;
  scope: string;
  updatedBy: string;
}

@Injectable()
export class ModelSettingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async all(sql: SqlRunner = this.dataSource): Promise<ModelSettingsRow[]> {
    return (await sql.query(`SELECT ${COLUMNS} FROM risk_model_settings ORDER BY model_key`)) as ModelSettingsRow[];
  }

  async find(key: string): Promise<ModelSettingsRow | undefined> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM risk_model_settings WHERE model_key = $1`, [key])) as ModelSettingsRow[];
    return rows[0];
  }

  /** Applies a change and bumps the revision, if the row is still at `revision` (optimistic). */
  async update(key: string, revision: number, change: SettingsChange): Promise<ModelSettingsRow | undefined> {
    const rows = (await this.dataSource.query(
      `UPDATE risk_model_settings SET enabled = $3, severity = $4, thresholds = $5::jsonb, scope = $6, updated_by = $7, revision = revision + 1, updated_at = now()
       WHERE model_key = $1 AND revision = $2 RETURNING ${COLUMNS}`,
      [key, revision, change.enabled, change.severity, JSON.stringify(change.thresholds), change.scope, change.updatedBy],
    )) as [ModelSettingsRow[], number] | ModelSettingsRow[];
    const list = Array.isArray(rows[0]) ? (rows[0] as ModelSettingsRow[]) : (rows as ModelSettingsRow[]);
    return list[0];
  }
}
