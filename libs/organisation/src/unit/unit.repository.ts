import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Page, PageRequest } from '../common/pagination';
import { isUniqueViolation } from '../common/pg-errors';
import { escapeLike } from '../region/region.repository';
import { Unit } from './unit.entity';
import { UnitCodeTakenException } from './unit.exceptions';

export interface UnitFilter {
  regionCode?: string;
  parentUnitId?: string;
  active?: boolean;
  q?: string;
}

@Injectable()
export class UnitRepository {
  constructor(@InjectRepository(Unit) private readonly units: Repository<Unit>) {}

  private repo(manager?: EntityManager): Repository<Unit> {
    return manager ? manager.getRepository(Unit) : this.units;
  }

  findById(id: string, manager?: EntityManager): Promise<Unit | null> {
    return this.repo(manager).findOneBy({ id });
  }

  findByCode(code: string): Promise<Unit | null> {
    return this.units.findOneBy({ code });
  }

  async list(filter: UnitFilter, page: PageRequest): Promise<Page<Unit>> {
    const qb = this.units.createQueryBuilder('u');
    if (filter.regionCode !== undefined) qb.andWhere('u.region_code = :regionCode', { regionCode: filter.regionCode });
    if (filter.parentUnitId !== undefined) qb.andWhere('u.parent_unit_id = :parentUnitId', { parentUnitId: filter.parentUnitId });
    if (filter.active !== undefined) qb.andWhere('u.active = :active', { active: filter.active });
    if (filter.q !== undefined) qb.andWhere('(u.name ILIKE :pattern OR u.code = :q)', { pattern: `%${escapeLike(filter.q)}%`, q: filter.q });
    const [items, total] = await qb.orderBy('u.code', 'ASC').skip(page.skip).take(page.pageSize).getManyAndCount();
    return { items, total, page: page.page, pageSize: page.pageSize };
  }

  /** True when `newParentId` is `unitId` itself or below it, so making it the parent would close a cycle. */
  async wouldCreateCycle(unitId: string, newParentId: string): Promise<boolean> {
    const rows: { found: boolean }[] = await this.units.query(
      `WITH RECURSIVE chain AS (
         SELECT id, parent_unit_id FROM units WHERE id = $1
         UNION ALL
         SELECT u.id, u.parent_unit_id FROM units u JOIN chain c ON u.id = c.parent_unit_id
       ) SELECT EXISTS (SELECT 1 FROM chain WHERE id = $2) AS found`,
      [newParentId, unitId],
    );
    return rows[0]?.found === true;
  }

  async save(unit: Partial<Unit>, manager?: EntityManager): Promise<Unit> {
    try {
      return await this.repo(manager).save(this.repo(manager).create(unit));
    } catch (error) {
      if (isUniqueViolation(error, 'uq_units_code')) throw new UnitCodeTakenException(unit.code ?? '');
      throw error;
    }
  }
}
