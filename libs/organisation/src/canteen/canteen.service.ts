import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Page, pageRequestOf } from '../common/pagination';
import { RegionLevel } from '../region/region-level.enum';
import { Region } from '../region/region.entity';
import { RegionService } from '../region/region.service';
import { UnitService } from '../unit/unit.service';
import { CanteenMealSlot } from './canteen-meal-slot.entity';
import { Canteen } from './canteen.entity';
import {
  CanteenInactiveException,
  CanteenInvalidSlotsException,
  CanteenLevelMismatchException,
  CanteenNotFoundException,
} from './canteen.exceptions';
import { CanteenRepository } from './canteen.repository';
import { CreateCanteenDto } from './dto/create-canteen.dto';
import { ListCanteensQueryDto } from './dto/list-canteens.query.dto';
import { UpdateCanteenDto } from './dto/update-canteen.dto';
import { checkMealSlots, MealSlotInput } from './meal-price-policy';

export interface CanteenWithSlots {
  canteen: Canteen;
  slots: CanteenMealSlot[];
}

@Injectable()
export class CanteenService {
  constructor(
    private readonly canteens: CanteenRepository,
    private readonly regions: RegionService,
    private readonly units: UnitService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async get(id: string, field?: string, manager?: EntityManager): Promise<Canteen> {
    const canteen = await this.canteens.findById(id, manager);
    if (!canteen) throw new CanteenNotFoundException(id, field);
    return canteen;
  }

  async requireActive(id: string, field: string, manager?: EntityManager): Promise<Canteen> {
    const canteen = await this.get(id, field, manager);
    if (!canteen.active) throw new CanteenInactiveException(id, field);
    return canteen;
  }

  async getWithSlots(id: string): Promise<CanteenWithSlots> {
    const canteen = await this.get(id);
    return { canteen, slots: await this.canteens.slotsOf(id) };
  }

  findByCode(code: string): Promise<Canteen | null> {
    return this.canteens.findByCode(code);
  }

  slotsOf(canteenId: string): Promise<CanteenMealSlot[]> {
    return this.canteens.slotsOf(canteenId);
  }

  async list(query: ListCanteensQueryDto): Promise<Page<CanteenWithSlots>> {
    const { regionCode, level, ownerUnitId, active, q } = query;
    const page = await this.canteens.list({ regionCode, level, ownerUnitId, active, q }, pageRequestOf(query));
    const slots = await this.canteens.slotsOfMany(page.items.map((c) => c.id));
    return { ...page, items: page.items.map((canteen) => ({ canteen, slots: slots.get(canteen.id) ?? [] })) };
  }

  /** Creates the canteen and its slots in one transaction; all rules are checked before anything is written. */
  async create(dto: CreateCanteenDto): Promise<CanteenWithSlots> {
    assertSlots(dto.slots);
    const region = await this.regions.requireActive(dto.regionCode, 'regionCode');
    const level = levelFor(dto.level, region);
    await this.units.requireActive(dto.ownerUnitId, 'ownerUnitId');
    return this.dataSource.transaction(async (manager) => {
      const canteen = await this.canteens.save(
        {
          code: dto.code,
          name: dto.name,
          ownerUnitId: dto.ownerUnitId,
          regionCode: region.code,
          level,
          latitude: dto.latitude,
          longitude: dto.longitude,
          geofenceRadiusM: dto.geofenceRadiusM,
          active: true,
        },
        manager,
      );
      const slots = await this.canteens.replaceSlots(canteen.id, dto.slots, manager);
      return { canteen, slots };
    });
  }

  /** Updates the canteen and (when given) replaces its slots, atomically. */
  async update(id: string, dto: UpdateCanteenDto): Promise<CanteenWithSlots> {
    if (dto.slots) assertSlots(dto.slots);
    return this.dataSource.transaction(async (manager) => {
      const canteen = await this.get(id, undefined, manager);
      if (dto.regionCode !== undefined || dto.level !== undefined) {
        const region =
          dto.regionCode !== undefined && dto.regionCode !== canteen.regionCode
            ? await this.regions.requireActive(dto.regionCode, 'regionCode', manager)
            : await this.regions.get(canteen.regionCode, 'regionCode', manager);
        canteen.regionCode = region.code;
        canteen.level = levelFor(dto.level, region);
      }
      if (dto.ownerUnitId !== undefined && dto.ownerUnitId !== canteen.ownerUnitId) {
        await this.units.requireActive(dto.ownerUnitId, 'ownerUnitId', manager);
        canteen.ownerUnitId = dto.ownerUnitId;
      }
      if (dto.name !== undefined) canteen.name = dto.name;
      if (dto.latitude !== undefined) canteen.latitude = dto.latitude;
      if (dto.longitude !== undefined) canteen.longitude = dto.longitude;
      if (dto.geofenceRadiusM !== undefined) canteen.geofenceRadiusM = dto.geofenceRadiusM;
      if (dto.active !== undefined) canteen.active = dto.active;
      const saved = await this.canteens.save(canteen, manager);
      const slots = dto.slots ? await this.canteens.replaceSlots(id, dto.slots, manager) : await this.canteens.slotsOf(id, manager);
      return { canteen: saved, slots };
    });
  }

  async deactivate(id: string): Promise<CanteenWithSlots> {
    return this.update(id, { active: false });
  }
}

function assertSlots(slots: readonly MealSlotInput[]): void {
  const violations = checkMealSlots(slots);
  if (violations.length > 0) throw new CanteenInvalidSlotsException(violations);
}

/** A canteen's level is its region's level; an explicit level must agree. */
function levelFor(requested: RegionLevel | undefined, region: Region): RegionLevel {
  if (requested !== undefined && requested !== region.level) throw new CanteenLevelMismatchException(requested, region.code, region.level);
  return region.level;
}
