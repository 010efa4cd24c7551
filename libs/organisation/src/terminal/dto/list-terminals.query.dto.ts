import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { toQueryBoolean } from '../../common/query-transforms';

export class ListTerminalsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  canteenId?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toQueryBoolean)
  @IsBoolean()
  active?: boolean;
}
