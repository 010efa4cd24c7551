import { ApiProperty } from '@nestjs/swagger';
import { RegionLevel } from '../../region/region-level.enum';
import { CanteenMealSlot } from '../canteen-meal-slot.entity';
import { Canteen } from '../canteen.entity';
import { MEAL_SLOT_KINDS } from '../meal-slot.enum';
import { MealSlotResponseDto } from './meal-slot.dto';

/** "11:00:00" → "11:00". */
export function toWallClock(time: string): string {
  return time.slice(0, 5);
}

export class CanteenResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'C-330802-01' })
  code!: string;

  @ApiProperty({ example: '柯城区机关食堂' })
  name!: string;

  @ApiProperty({ format: 'uuid' })
  ownerUnitId!: string;

  @ApiProperty({ example: '330802' })
  regionCode!: string;

  @ApiProperty({ enum: RegionLevel })
  level!: RegionLevel;

  @ApiProperty({ example: 28.97 })
  latitude!: number;

  @ApiProperty({ example: 118.87 })
  longitude!: number;

  @ApiProperty({ example: 150 })
  geofenceRadiusM!: number;

  @ApiProperty()
  active!: boolean;

  @ApiProperty({ type: [MealSlotResponseDto], description: 'In breakfast, lunch, dinner order' })
  slots!: MealSlotResponseDto[];

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;

  static of(canteen: Canteen, slots: CanteenMealSlot[]): CanteenResponseDto {
    const { id, code, name, ownerUnitId, regionCode, level, latitude, longitude, geofenceRadiusM, active, createdAt, updatedAt } = canteen;
    const ordered = [...slots].sort((a, b) => MEAL_SLOT_KINDS.indexOf(a.slot) - MEAL_SLOT_KINDS.indexOf(b.slot));
    return {
      id,
      code,
      name,
      ownerUnitId,
      regionCode,
      level,
      latitude,
      longitude,
      geofenceRadiusM,
      active,
      slots: ordered.map((s) => ({
        slot: s.slot,
        opensAt: toWallClock(s.opensAt),
        closesAt: toWallClock(s.closesAt),
        staffPriceFen: s.staffPriceFen,
        visitorPriceFen: s.visitorPriceFen,
      })),
      createdAt,
      updatedAt,
    };
  }
}

export class CanteenPageDto {
  @ApiProperty({ type: [CanteenResponseDto] })
  items!: CanteenResponseDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;
}
