import { Injectable } from '@nestjs/common';
import { Page, pageRequestOf } from '../common/pagination';
import { RegionService } from '../region/region.service';
import { StaffService } from '../staff/staff.service';
import { UnitService } from '../unit/unit.service';
import { AssignedRole } from './assigned-role.enum';
import { CreateRoleAssignmentDto } from './dto/create-role-assignment.dto';
import { ListRoleAssignmentsQueryDto } from './dto/list-role-assignments.query.dto';
import { RoleAssignment } from './role-assignment.entity';
import { RoleAssignmentInvalidScopeException, RoleAssignmentNotFoundException } from './role-assignment.exceptions';
import { RoleAssignmentRepository } from './role-assignment.repository';

/** Which scope fields a role takes: `required`, `optional` or `forbidden`. */
export const ROLE_SCOPE_RULES: Readonly<Record<AssignedRole, { regionCode: 'required' | 'forbidden'; unitId: 'optional' | 'forbidden' }>> = {
  [AssignedRole.Inspector]: { regionCode: 'required', unitId: 'forbidden' },
  [AssignedRole.SettlementOfficer]: { regionCode: 'forbidden', unitId: 'optional' },
  [AssignedRole.Admin]: { regionCode: 'forbidden', unitId: 'forbidden' },
};

@Injectable()
export class RoleAssignmentService {
  constructor(
    private readonly assignments: RoleAssignmentRepository,
    private readonly staff: StaffService,
    private readonly regions: RegionService,
    private readonly units: UnitService,
  ) {}

  async get(id: string): Promise<RoleAssignment> {
    const assignment = await this.assignments.findById(id);
    if (!assignment) throw new RoleAssignmentNotFoundException(id);
    return assignment;
  }

  /** The explicit roles of a staff member (for building tokens). */
  forStaff(staffId: string): Promise<RoleAssignment[]> {
    return this.assignments.forStaff(staffId);
  }

  list(query: ListRoleAssignmentsQueryDto): Promise<Page<RoleAssignment>> {
    const { staffId, role, regionCode } = query;
    return this.assignments.list({ staffId, role, regionCode }, pageRequestOf(query));
  }

  async create(dto: CreateRoleAssignmentDto): Promise<RoleAssignment> {
    const rules = ROLE_SCOPE_RULES[dto.role];
    if (rules.regionCode === 'required' && dto.regionCode === undefined) {
      throw new RoleAssignmentInvalidScopeException('regionCode', `${dto.role} 必须指定管辖区域 (an ${dto.role} needs a jurisdiction regionCode)`);
    }
    if (rules.regionCode === 'forbidden' && dto.regionCode !== undefined) {
      throw new RoleAssignmentInvalidScopeException('regionCode', `${dto.role} 不设管辖区域 (regionCode is only for inspectors)`);
    }
    if (rules.unitId === 'forbidden' && dto.unitId !== undefined) {
      throw new RoleAssignmentInvalidScopeException('unitId', `${dto.role} 不设单位 (unitId is only for settlement officers)`);
    }
    await this.staff.requireActive(dto.staffId, 'staffId');
    if (dto.regionCode !== undefined) await this.regions.requireActive(dto.regionCode, 'regionCode');
    if (dto.unitId !== undefined) await this.units.requireActive(dto.unitId, 'unitId');
    return this.assignments.insert({ staffId: dto.staffId, role: dto.role, regionCode: dto.regionCode ?? null, unitId: dto.unitId ?? null });
  }

  async delete(id: string): Promise<void> {
    if (!(await this.assignments.delete(id))) throw new RoleAssignmentNotFoundException(id);
  }
}
