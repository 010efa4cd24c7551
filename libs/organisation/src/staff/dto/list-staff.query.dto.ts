import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { toQueryBoolean } from '../../common/query-transforms';

export class ListStaffQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ example: 'zzd-admin' })
  @IsOptional()
  @IsString()
  externalIdentityId?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toQueryBoolean)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'Part of the name or the exact staff number' })
  @IsOptional()
  @IsString()
  q?: string;
}
