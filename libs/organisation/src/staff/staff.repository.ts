import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Page, PageRequest } from '../common/pagination';
import { isUniqueViolation } from '../common/pg-errors';
import { escapeLike } from '../region/region.repository';
import { Staff } from './staff.entity';
import { StaffExternalIdentityTakenException, StaffNumberTakenException } from './staff.exceptions';

export interface StaffFilter {
  unitId?: string;
  externalIdentityId?: string;
  active?: boolean;
  q?: string;
}

@Injectable()
export class StaffRepository {
  constructor(@InjectRepository(Staff) private readonly staff: Repository<Staff>) {}

  private repo(manager?: EntityManager): Repository<Staff> {
    return manager ? manager.getRepository(Staff) : this.staff;
  }

  findById(id: string, manager?: EntityManager): Promise<Staff | null> {
    return this.repo(manager).findOneBy({ id });
  }

  findByExternalIdentityId(externalIdentityId: string): Promise<Staff | null> {
    return this.staff.findOneBy({ externalIdentityId });
  }

  async list(filter: StaffFilter, page: PageRequest): Promise<Page<Staff>> {
    const qb = this.staff.createQueryBuilder('s');
    if (filter.unitId !== undefined) qb.andWhere('s.unit_id = :unitId', { unitId: filter.unitId });
    if (filter.externalIdentityId !== undefined) qb.andWhere('s.external_identity_id = :ext', { ext: filter.externalIdentityId });
    if (filter.active !== undefined) qb.andWhere('s.active = :active', { active: filter.active });
    if (filter.q !== undefined) qb.andWhere('(s.name ILIKE :pattern OR s.staff_number = :q)', { pattern: `%${escapeLike(filter.q)}%`, q: filter.q });
    const [items, total] = await qb.orderBy('s.staff_number', 'ASC').addOrderBy('s.id', 'ASC').skip(page.skip).take(page.pageSize).getManyAndCount();
    return { items, total, page: page.page, pageSize: page.pageSize };
  }

  async save(staff: Partial<Staff>, manager?: EntityManager): Promise<Staff> {
    try {
      return await this.repo(manager).save(this.repo(manager).create(staff));
    } catch (error) {
      if (isUniqueViolation(error, 'uq_staff_external_identity_id')) throw new StaffExternalIdentityTakenException(staff.externalIdentityId ?? '');
      if (isUniqueViolation(error, 'uq_staff_unit_staff_number')) throw new StaffNumberTakenException(staff.staffNumber ?? '');
      throw error;
    }
  }
}
