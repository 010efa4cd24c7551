import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A person as the login needs them: the staff row plus whether their unit is active. */
export interface StaffIdentityRow {
  id: string;
  unitId: string;
  name: string;
  active: boolean;
  unitActive: boolean;
}

/** One row of role_assignments. */
export interface RoleAssignmentRow {
  role: string;
  regionCode: string | null;
  unitId: string | null;
}

/** A terminal as the login needs it: the terminal row plus whether its canteen is active. */
export interface TerminalIdentityRow {
  id: string;
  canteenId: string;
  name: string;
  active: boolean;
  canteenActive: boolean;
}

interface StaffSqlRow {
  id: string;
  unit_id: string;
  name: string;
  active: boolean;
  unit_active: boolean;
}

interface RoleAssignmentSqlRow {
  role: string;
  region_code: string | null;
  unit_id: string | null;
}

interface TerminalSqlRow {
  id: string;
  canteen_id: string;
  name: string;
  active: boolean;
  canteen_active: boolean;
}

/** Raw, parameterised SQL reads of the organisation tables for the login. */
@Injectable()
export class IdentityRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findStaffByExternalIdentity(externalIdentityId: string): Promise<StaffIdentityRow | undefined> {
    const rows: StaffSqlRow[] = await this.dataSource.query(
      `SELECT s.id, s.unit_id, s.name, s.active, u.active AS unit_active
         FROM staff s
         JOIN units u ON u.id = s.unit_id
        WHERE s.external_identity_id = $1`,
      [externalIdentityId],
    );
    const row = rows[0];
    return row ? { id: row.id, unitId: row.unit_id, name: row.name, active: row.active, unitActive: row.unit_active } : undefined;
  }

  async findRoleAssignments(staffId: string): Promise<RoleAssignmentRow[]> {
    const rows: RoleAssignmentSqlRow[] = await this.dataSource.query(
      `SELECT role, region_code, unit_id FROM role_assignments WHERE staff_id = $1 ORDER BY role`,
      [staffId],
    );
    return rows.map((row) => ({ role: row.role, regionCode: row.region_code, unitId: row.unit_id }));
  }

  async findTerminalByCode(code: string): Promise<TerminalIdentityRow | undefined> {
    const rows: TerminalSqlRow[] = await this.dataSource.query(
      `SELECT t.id, t.canteen_id, t.name, t.active, c.active AS canteen_active
         FROM terminals t
         JOIN canteens c ON c.id = t.canteen_id
        WHERE t.code = $1`,
      [code],
    );
    const row = rows[0];
    return row ? { id: row.id, canteenId: row.canteen_id, name: row.name, active: row.active, canteenActive: row.canteen_active } : undefined;
  }
}
