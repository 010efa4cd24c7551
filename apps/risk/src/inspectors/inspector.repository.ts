import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlRunner } from '../facts/fact.repository';

/** An active inspector: a staff member with an `inspector` role assignment (their jurisdiction region). */
export interface InspectorRow {
  id: string;
  name: string;
  regionCode: string;
  lead: boolean;
}

export interface LeadRow {
  staffId: string;
  name: string;
  regionCode: string | null;
  grantedBy: string;
  grantedAt: string;
}

/** Reads of inspectors (staff + role_assignments) and the lead flags (risk_inspector_leads). */
@Injectable()
export class InspectorRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async isLead(staffId: string, sql: SqlRunner = this.dataSource): Promise<boolean> {
    const rows = (await sql.query(`SELECT 1 FROM risk_inspector_leads WHERE staff_id = $1::uuid`, [staffId])) as unknown[];
    return rows.length > 0;
  }

  /** The active inspector with this staff id, or undefined. */
  async findInspector(staffId: string, sql: SqlRunner = this.dataSource): Promise<InspectorRow | undefined> {
    const rows = (await sql.query(
      `SELECT s.id, s.name, ra.region_code AS "regionCode", (l.staff_id IS NOT NULL) AS lead
         FROM staff s
         JOIN units u ON u.id = s.unit_id AND u.active
         JOIN role_assignments ra ON ra.staff_id = s.id AND ra.role = 'inspector'
         LEFT JOIN risk_inspector_leads l ON l.staff_id = s.id
        WHERE s.id = $1::uuid AND s.active`,
      [staffId],
    )) as InspectorRow[];
    return rows[0];
  }

  /** Active inspectors whose jurisdiction lies within the region prefix (undefined = all), by region then name. */
  async listInspectors(regionPrefix: string | undefined): Promise<InspectorRow[]> {
    return (await this.dataSource.query(
      `SELECT s.id, s.name, ra.region_code AS "regionCode", (l.staff_id IS NOT NULL) AS lead
         FROM staff s
         JOIN units u ON u.id = s.unit_id AND u.active
         JOIN role_assignments ra ON ra.staff_id = s.id AND ra.role = 'inspector'
         LEFT JOIN risk_inspector_leads l ON l.staff_id = s.id
        WHERE s.active AND ($1::text IS NULL OR ra.region_code LIKE $1 || '%')
        ORDER BY ra.region_code, s.name, s.id
        LIMIT 500`,
      [regionPrefix ?? null],
    )) as InspectorRow[];
  }

  async listLeads(): Promise<LeadRow[]> {
    return (await this.dataSource.query(
      `SELECT l.staff_id AS "staffId", s.name, ra.region_code AS "regionCode", l.granted_by AS "grantedBy",
              to_char(l.granted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "grantedAt"
         FROM risk_inspector_leads l
         JOIN staff s ON s.id = l.staff_id
         LEFT JOIN role_assignments ra ON ra.staff_id = l.staff_id AND ra.role = 'inspector'
        ORDER BY ra.region_code, s.name`,
    )) as LeadRow[];
  }

  /** Returns false when the staff member already was a lead. */
  async grantLead(sql: SqlRunner, staffId: string, grantedBy: string): Promise<boolean> {
    const rows = (await sql.query(
      `INSERT INTO risk_inspector_leads (staff_id, granted_by) VALUES ($1::uuid, $2::uuid) ON CONFLICT (staff_id) DO NOTHING RETURNING staff_id`,
      [staffId, grantedBy],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Returns false when the staff member was not a lead. (A CTE: TypeORM answers a bare DELETE … RETURNING with [rows, count].) */
  async revokeLead(sql: SqlRunner, staffId: string): Promise<boolean> {
    const rows = (await sql.query(`WITH gone AS (DELETE FROM risk_inspector_leads WHERE staff_id = $1::uuid RETURNING staff_id) SELECT staff_id FROM gone`, [staffId])) as unknown[];
    return rows.length > 0;
  }
}
