import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface ConsoleStaffRow {
  id: string;
  unitId: string;
  name: string;
  active: boolean;
  unitActive: boolean;
  /** The inspector assignment's region, when the person is an inspector. */
  inspectorRegionCode: string | null;
  admin: boolean;
}

/** The person behind a development login of the console: staff row, unit state, inspector and admin assignments. */
@Injectable()
export class ConsoleLoginRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findByExternalIdentity(externalIdentityId: string): Promise<ConsoleStaffRow | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT s.id, s.unit_id AS "unitId", s.name, s.active, u.active AS "unitActive",
              (SELECT ra.region_code FROM role_assignments ra WHERE ra.staff_id = s.id AND ra.role = 'inspector') AS "inspectorRegionCode",
              EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.staff_id = s.id AND ra.role = 'admin') AS admin
         FROM staff s JOIN units u ON u.id = s.unit_id
        WHERE s.external_identity_id = $1`,
      [externalIdentityId],
    )) as ConsoleStaffRow[];
    return rows[0];
  }
}
