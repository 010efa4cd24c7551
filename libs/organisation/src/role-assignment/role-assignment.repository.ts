import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, Repository } from 'typeorm';
import { Page, PageRequest } from '../common/pagination';
import { isUniqueViolation } from '../common/pg-errors';
import { AssignedRole } from './assigned-role.enum';
import { RoleAssignment } from './role-assignment.entity';
import { RoleAssignmentDuplicateException } from './role-assignment.exceptions';

export interface RoleAssignmentFilter {
  staffId?: string;
  role?: AssignedRole;
  regionCode?: string;
}

@Injectable()
export class RoleAssignmentRepository {
  constructor(@InjectRepository(RoleAssignment) private readonly assignments: Repository<RoleAssignment>) {}

  findById(id: string): Promise<RoleAssignment | null> {
    return this.assignments.findOneBy({ id });
  }

  forStaff(staffId: string): Promise<RoleAssignment[]> {
    return this.assignments.find({ where: { staffId }, order: { role: 'ASC' } });
  }

  async list(filter: RoleAssignmentFilter, page: PageRequest): Promise<Page<RoleAssignment>> {
    const where: FindOptionsWhere<RoleAssignment> = {};
    if (filter.staffId !== undefined) where.staffId = filter.staffId;
    if (filter.role !== undefined) where.role = filter.role;
    if (filter.regionCode !== undefined) where.regionCode = filter.regionCode;
    const [items, total] = await this.assignments.findAndCount({
      where,
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: page.skip,
      take: page.pageSize,
    });
    return { items, total, page: page.page, pageSize: page.pageSize };
  }

  async insert(assignment: Pick<RoleAssignment, 'staffId' | 'role' | 'regionCode' | 'unitId'>): Promise<RoleAssignment> {
    try {
      return await this.assignments.save(this.assignments.create(assignment));
    } catch (error) {
      if (isUniqueViolation(error, 'uq_role_assignments_staff_role')) throw new RoleAssignmentDuplicateException(assignment.role);
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.assignments.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
