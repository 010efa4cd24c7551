import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Page, PageRequest } from '../common/pagination';
import { isUniqueViolation } from '../common/pg-errors';
import { RegionLevel } from '../region/region-level.enum';
import { escapeLike } from '../region/region.repository';
import { CanteenMealSlot } from './canteen-meal-slot.entity';
import { Canteen } from './canteen.entity';
import { CanteenCodeTakenException } from './canteen.exceptions';
import { MealSlotInput } from './meal-price-policy';

export interface CanteenFilter {
  regionCode?: string;
  level?: RegionLevel;
  ownerUnitId?: string;
  active?: boolean;
  q?: string;
}

@Injectable()
export class CanteenRepository {
  constructor(
    @InjectRepository(Canteen) private readonly canteens: Repository<Canteen>,
    @InjectRepository(CanteenMealSlot) private readonly slots: Repository<CanteenMealSlot>,
  ) {}

  private canteenRepo(manager?: EntityManager): Repository<Canteen> {
    return manager ? manager.getRepository(Canteen) : this.canteens;
  }

  private slotRepo(manager?: EntityManager): Repository<CanteenMealSlot> {
    return manager ? manager.getRepository(CanteenMealSlot) : this.slots;
  }

  findById(id: string, manager?: EntityManager): Promise<Canteen | null> {
    return this.canteenRepo(manager).findOneBy({ id });
  }

  findByCode(code: string): Promise<Canteen | null> {
    return this.canteens.findOneBy({ code });
  }

  slotsOf(canteenId: string, manager?: EntityManager): Promise<CanteenMealSlot[]> {
    return this.slotRepo(manager).findBy({ canteenId });
  }

  /** Slots of many canteens in one query, grouped by canteen id. */
  async slotsOfMany(canteenIds: string[]): Promise<Map<string, CanteenMealSlot[]>> {
    const grouped = new Map<string, CanteenMealSlot[]>(canteenIds.map((id) => [id, []]));
    if (canteenIds.length === 0) return grouped;
    const rows = await this.slots.findBy({ canteenId: In(canteenIds) });
    for (const row of rows) grouped.get(row.canteenId)?.push(row);
    return grouped;
  }

  async list(filter: CanteenFilter, page: PageRequest): Promise<Page<Canteen>> {
    const qb = this.canteens.createQueryBuilder('c');
    if (filter.regionCode !== undefined) qb.andWhere('c.region_code = :regionCode', { regionCode: filter.regionCode });
    if (filter.level !== undefined) qb.andWhere('c.level = :level', { level: filter.level });
    if (filter.ownerUnitId !== undefined) qb.andWhere('c.owner_unit_id = :ownerUnitId', { ownerUnitId: filter.ownerUnitId });
    if (filter.active !== undefined) qb.andWhere('c.active = :active', { active: filter.active });
    if (filter.q !== undefined) qb.andWhere('(c.name ILIKE :pattern OR c.code = :q)', { pattern: `%${escapeLike(filter.q)}%`, q: filter.q });
    const [items, total] = await qb.orderBy('c.code', 'ASC').skip(page.skip).take(page.pageSize).getManyAndCount();
    return { items, total, page: page.page, pageSize: page.pageSize };
  }

  async save(canteen: Partial<Canteen>, manager: EntityManager): Promise<Canteen> {
    try {
      return await this.canteenRepo(manager).save(this.canteenRepo(manager).create(canteen));
    } catch (error) {
      if (isUniqueViolation(error, 'uq_canteens_code')) throw new CanteenCodeTakenException(canteen.code ?? '');
      throw error;
    }
  }

  /** Replaces all meal slots of a canteen (inside the caller's transaction). */
  async replaceSlots(canteenId: string, slots: readonly MealSlotInput[], manager: EntityManager): Promise<CanteenMealSlot[]> {
    const repo = this.slotRepo(manager);
    await repo.delete({ canteenId });
    const rows = slots.map((s) => repo.create({ canteenId, ...s }));
    await repo.insert(rows);
    return repo.findBy({ canteenId });
  }
}
