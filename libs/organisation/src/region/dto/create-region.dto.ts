import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { REGION_CODE_PATTERN } from '../../common/validation-constants';
import { RegionLevel } from '../region-level.enum';

export class CreateRegionDto {
  @ApiProperty({ example: '330802001', description: '行政区划代码: 6 digits (city, county), 9 (township), 12 (village)' })
  @IsString()
  @Matches(REGION_CODE_PATTERN, { message: 'code must have 6, 9 or 12 digits' })
  code!: string;

  @ApiProperty({ example: '信安街道' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: RegionLevel, example: RegionLevel.Township })
  @IsEnum(RegionLevel)
  level!: RegionLevel;

  @ApiPropertyOptional({ example: '330802', nullable: true, description: 'Required except for a city; must be one level up' })
  @IsOptional()
  @IsString()
  @Matches(REGION_CODE_PATTERN, { message: 'parentCode must have 6, 9 or 12 digits' })
  parentCode?: string;
}
