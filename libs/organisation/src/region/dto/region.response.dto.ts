import { ApiProperty } from '@nestjs/swagger';
import { RegionLevel } from '../region-level.enum';
import { Region } from '../region.entity';

export class RegionResponseDto {
  @ApiProperty({ example: '330802' })
  code!: string;

  @ApiProperty({ example: '柯城区' })
  name!: string;

  @ApiProperty({ enum: RegionLevel })
  level!: RegionLevel;

  @ApiProperty({ example: '330800', nullable: true, type: String })
  parentCode!: string | null;

  @ApiProperty()
  active!: boolean;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;

  static of(region: Region): RegionResponseDto {
    const { code, name, level, parentCode, active, createdAt, updatedAt } = region;
    return { code, name, level, parentCode, active, createdAt, updatedAt };
  }
}

export class RegionPageDto {
  @ApiProperty({ type: [RegionResponseDto] })
  items!: RegionResponseDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;
}

export class RegionSubtreeCountDto {
  @ApiProperty({ example: '330802' })
  code!: string;

  @ApiProperty({ description: 'Regions under this one (not counting itself), per level', example: { township: 10, village: 80 } })
  descendantsByLevel!: Partial<Record<RegionLevel, number>>;

  @ApiProperty({ description: 'Units in this region and below' })
  units!: number;

  @ApiProperty({ description: 'Canteens in this region and below' })
  canteens!: number;
}
