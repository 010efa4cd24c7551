import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { toQueryBoolean } from '../../common/query-transforms';
import { REGION_CODE_PATTERN } from '../../common/validation-constants';
import { RegionLevel } from '../../region/region-level.enum';

export class ListCanteensQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '330802', description: 'Canteens whose region is exactly this one' })
  @IsOptional()
  @IsString()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must have 6, 9 or 12 digits' })
  regionCode?: string;

  @ApiPropertyOptional({ enum: RegionLevel })
  @IsOptional()
  @IsEnum(RegionLevel)
  level?: RegionLevel;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  ownerUnitId?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toQueryBoolean)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'Part of the name or the exact code' })
  @IsOptional()
  @IsString()
  q?: string;
}
