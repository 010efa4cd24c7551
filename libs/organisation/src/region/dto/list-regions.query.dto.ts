import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsOptional, IsString, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { toQueryBoolean } from '../../common/query-transforms';
import { REGION_CODE_PATTERN } from '../../common/validation-constants';
import { RegionLevel } from '../region-level.enum';

export class ListRegionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '330800' })
  @IsOptional()
  @IsString()
  @Matches(REGION_CODE_PATTERN, { message: 'parentCode must have 6, 9 or 12 digits' })
  parentCode?: string;

  @ApiPropertyOptional({ enum: RegionLevel })
  @IsOptional()
  @IsEnum(RegionLevel)
  level?: RegionLevel;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toQueryBoolean)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'Part of the name, e.g. 柯城' })
  @IsOptional()
  @IsString()
  name?: string;
}
