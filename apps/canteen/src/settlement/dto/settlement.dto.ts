import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '@meal/organisation';
import { toQueryInteger } from '@meal/organisation/common/query-transforms';

/** :key of a period: a day YYYY-MM-DD or a month YYYY-MM (calendar validity is checked by the service: 404). */
export class PeriodKeyParamsDto {
  @ApiProperty({ example: '2025-11', description: '结算期：日 YYYY-MM-DD 或 月 YYYY-MM (Asia/Shanghai)' })
  @IsString()
  @MaxLength(10)
  key!: string;
}

export class PeriodsQueryDto {
  @ApiProperty({ example: '2025-11', description: '月份 YYYY-MM' })
  @IsString()
  @Matches(/^\d{4}-\d{2}$/, { message: 'month must be YYYY-MM' })
  month!: string;
}

export class NetsQueryDto {
  @ApiPropertyOptional({ enum: ['unit', 'region'], default: 'region', description: 'region 按地区（县级） / unit 按单位' })
  @IsOptional()
  @IsIn(['unit', 'region'])
  level?: 'unit' | 'region';

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, default: 1000 })
  @IsOptional()
  @Transform(toQueryInteger)
  @IsInt()
  @Min(1)
  @Max(10000)
  limit?: number;
}

export class StatementsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '2025-11', description: '月份 YYYY-MM' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}$/, { message: 'month must be YYYY-MM' })
  month?: string;

  @ApiPropertyOptional({ enum: ['unit', 'region'] })
  @IsOptional()
  @IsIn(['unit', 'region'])
  partyType?: 'unit' | 'region';

  @ApiPropertyOptional({ enum: ['prepared', 'approved', 'paid', 'confirmed'] })
  @IsOptional()
  @IsIn(['prepared', 'approved', 'paid', 'confirmed'])
  status?: 'prepared' | 'approved' | 'paid' | 'confirmed';

  @ApiPropertyOptional({ maxLength: 64, description: '结算方名称关键字' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  q?: string;
}

export class StatementParamsDto {
  @ApiProperty({ format: 'uuid', description: '结算单 id' })
  @IsUUID('all')
  id!: string;
}

export class StatementLinesQueryDto extends PageQueryDto {}
