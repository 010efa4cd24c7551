import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Page, pageRequestOf } from '../common/pagination';
import { RegionService } from '../region/region.service';
import { CreateUnitDto } from './dto/create-unit.dto';
import { ListUnitsQueryDto } from './dto/list-units.query.dto';
import { UpdateUnitDto } from './dto/update-unit.dto';
import { Unit } from './unit.entity';
import { UnitInactiveException, UnitInvalidParentException, UnitNotFoundException } from './unit.exceptions';
import { UnitRepository } from './unit.repository';

@Injectable()
export class UnitService {
  constructor(
    private readonly units: UnitRepository,
    private readonly regions: RegionService,
  ) {}

  async get(id: string, field?: string, manager?: EntityManager): Promise<Unit> {
    const unit = await this.units.findById(id, manager);
    if (!unit) throw new UnitNotFoundException(id, field);
    return unit;
  }

  /** A unit referenced from a body: it must exist and be active; errors name `field`. */
  async requireActive(id: string, field: string, manager?: EntityManager): Promise<Unit> {
    const unit = await this.get(id, field, manager);
    if (!unit.active) throw new UnitInactiveException(id, field);
    return unit;
  }

  findByCode(code: string): Promise<Unit | null> {
    return this.units.findByCode(code);
  }

  list(query: ListUnitsQueryDto): Promise<Page<Unit>> {
    const { regionCode, parentUnitId, active, q } = query;
    return this.units.list({ regionCode, parentUnitId, active, q }, pageRequestOf(query));
  }

  async create(dto: CreateUnitDto): Promise<Unit> {
    await this.regions.requireActive(dto.regionCode, 'regionCode');
    if (dto.parentUnitId !== undefined) await this.requireActive(dto.parentUnitId, 'parentUnitId');
    return this.units.save({ code: dto.code, name: dto.name, regionCode: dto.regionCode, parentUnitId: dto.parentUnitId ?? null, active: true });
  }

  async update(id: string, dto: UpdateUnitDto): Promise<Unit> {
    const unit = await this.get(id);
    if (dto.regionCode !== undefined && dto.regionCode !== unit.regionCode) {
      await this.regions.requireActive(dto.regionCode, 'regionCode');
      unit.regionCode = dto.regionCode;
    }
    if (dto.parentUnitId !== undefined && dto.parentUnitId !== unit.parentUnitId) {
      if (dto.parentUnitId !== null) {
        await this.requireActive(dto.parentUnitId, 'parentUnitId');
        if (await this.units.wouldCreateCycle(id, dto.parentUnitId)) {
          throw new UnitInvalidParentException('上级单位不能是本单位或其下级 (the parent unit cannot be the unit itself or one below it)');
        }
      }
      unit.parentUnitId = dto.parentUnitId;
    }
    if (dto.name !== undefined) unit.name = dto.name;
    if (dto.active !== undefined) unit.active = dto.active;
    return this.units.save(unit);
  }

  async deactivate(id: string): Promise<Unit> {
    const unit = await this.get(id);
    unit.active = false;
    return this.units.save(unit);
  }
}
