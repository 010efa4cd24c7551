import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Page, pageRequestOf } from '../common/pagination';
import { CreateRegionDto } from './dto/create-region.dto';
import { ListRegionsQueryDto } from './dto/list-regions.query.dto';
import { UpdateRegionDto } from './dto/update-region.dto';
import { checkRegionPlacement } from './region-rules';
import { Region } from './region.entity';
import { RegionInactiveException, RegionInvalidPlacementException, RegionNotFoundException } from './region.exceptions';
import { RegionRepository, RegionSubtreeCounts } from './region.repository';

@Injectable()
export class RegionService {
  constructor(private readonly regions: RegionRepository) {}

  /** The region by code, or a 404 (no field) / 400 naming `field` when referenced from a request body. */
  async get(code: string, field?: string, manager?: EntityManager): Promise<Region> {
    const region = await this.regions.findByCode(code, manager);
    if (!region) throw new RegionNotFoundException(code, field);
    return region;
  }

  /** A region referenced from a body: it must exist and be active; errors name `field`. */
  async requireActive(code: string, field: string, manager?: EntityManager): Promise<Region> {
    const region = await this.get(code, field, manager);
    if (!region.active) throw new RegionInactiveException(code, field);
    return region;
  }

  list(query: ListRegionsQueryDto): Promise<Page<Region>> {
    const { parentCode, level, active, name } = query;
    return this.regions.list({ parentCode, level, active, name }, pageRequestOf(query));
  }

  async children(code: string): Promise<Region[]> {
    await this.get(code);
    return this.regions.children(code);
  }

  async subtreeCounts(code: string): Promise<RegionSubtreeCounts & { code: string }> {
    await this.get(code);
    return { code, ...(await this.regions.subtreeCounts(code)) };
  }

  async create(dto: CreateRegionDto): Promise<Region> {
    const parent = dto.parentCode === undefined ? null : await this.requireActive(dto.parentCode, 'parentCode');
    const violation = checkRegionPlacement(dto.code, dto.level, parent);
    if (violation) throw new RegionInvalidPlacementException(violation.field, violation.message);
    return this.regions.insert({ code: dto.code, name: dto.name, level: dto.level, parentCode: parent?.code ?? null });
  }

  async update(code: string, dto: UpdateRegionDto): Promise<Region> {
    const region = await this.get(code);
    if (dto.name !== undefined) region.name = dto.name;
    if (dto.active !== undefined) region.active = dto.active;
    return this.regions.save(region);
  }

  async deactivate(code: string): Promise<Region> {
    const region = await this.get(code);
    region.active = false;
    return this.regions.save(region);
  }
}
