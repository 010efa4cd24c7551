import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { toQueryBoolean } from '../../common/query-transforms';
import { REGION_CODE_PATTERN } from '../../common/validation-constants';

export class ListUnitsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '330802' })
  @IsOptional()
  @IsString()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must have 6, 9 or 12 digits' })
  regionCode?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  parentUnitId?: string;

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
