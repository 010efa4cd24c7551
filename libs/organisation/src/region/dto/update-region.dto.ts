import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** The code, level and parent of a region are its identity in the tree and cannot change; the name can. */
export class UpdateRegionDto {
  @ApiPropertyOptional({ example: '信安街道' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ description: 'true re-activates a deactivated region' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
