import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, ILike, Repository } from 'typeorm';
import { isUniqueViolation } from '../common/pg-errors';
import { Page, PageRequest } from '../common/pagination';
import { RegionLevel } from './region-level.enum';
import { Region } from './region.entity';
import { RegionCodeTakenException } from './region.exceptions';

export interface RegionFilter {
  parentCode?: string;
  level?: RegionLevel;
  active?: boolean;
  name?: string;
}

export interface RegionSubtreeCounts {
  descendantsByLevel: Partial<Record<RegionLevel, number>>;
  units: number;
  canteens: number;
}

@Injectable()
export class RegionRepository {
  constructor(@InjectRepository(Region) private readonly regions: Repository<Region>) {}

  private repo(manager?: EntityManager): Repository<Region> {
    return manager ? manager.getRepository(Region) : this.regions;
  }

  findByCode(code: string, manager?: EntityManager): Promise<Region | null> {
    return this.repo(manager).findOneBy({ code });
  }

  async list(filter: RegionFilter, page: PageRequest): Promise<Page<Region>> {
    const where: FindOptionsWhere<Region> = {};
    if (filter.parentCode !== undefined) where.parentCode = filter.parentCode;
    if (filter.level !== undefined) where.level = filter.level;
    if (filter.active !== undefined) where.active = filter.active;
    if (filter.name !== undefined) where.name = ILike(`%${escapeLike(filter.name)}%`);
    const [items, total] = await this.regions.findAndCount({ where, order: { code: 'ASC' }, skip: page.skip, take: page.pageSize });
    return { items, total, page: page.page, pageSize: page.pageSize };
  }

  children(code: string): Promise<Region[]> {
    return this.regions.find({ where: { parentCode: code }, order: { code: 'ASC' } });
  }

  async insert(region: Pick<Region, 'code' | 'name' | 'level' | 'parentCode'>, manager?: EntityManager): Promise<Region> {
    try {
      // insert, not save: save() with an existing primary key would silently update that region.
      const repo = this.repo(manager);
      await repo.insert(repo.create({ ...region, active: true }));
      return await repo.findOneByOrFail({ code: region.code });
    } catch (error) {
      if (isUniqueViolation(error, 'pk_regions')) throw new RegionCodeTakenException(region.code);
      throw error;
    }
  }

  save(region: Region, manager?: EntityManager): Promise<Region> {
    return this.repo(manager).save(region);
  }

  /** Counts of regions (per level), units and canteens in the subtree under `code`, in one recursive query. */
  async subtreeCounts(code: string): Promise<RegionSubtreeCounts> {
    const rows: { kind: string; level: string | null; count: string }[] = await this.regions.query(
      `WITH RECURSIVE subtree AS (
         SELECT code, level, 0 AS depth FROM regions WHERE code = $1
         UNION ALL
         SELECT r.code, r.level, s.depth + 1 FROM regions r JOIN subtree s ON r.parent_code = s.code
       )
       SELECT 'region' AS kind, level, count(*)::text AS count FROM subtree WHERE depth > 0 GROUP BY level
       UNION ALL
       SELECT 'unit', NULL, count(*)::text FROM units WHERE region_code IN (SELECT code FROM subtree)
       UNION ALL
       SELECT 'canteen', NULL, count(*)::text FROM canteens WHERE region_code IN (SELECT code FROM subtree)`,
      [code],
    );
    const result: RegionSubtreeCounts = { descendantsByLevel: {}, units: 0, canteens: 0 };
    for (const row of rows) {
      const count = Number(row.count);
      if (row.kind === 'region' && row.level) result.descendantsByLevel[row.level as RegionLevel] = count;
      if (row.kind === 'unit') result.units = count;
      if (row.kind === 'canteen') result.canteens = count;
    }
    return result;
  }
}

/** Escapes LIKE wildcards in user text. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
