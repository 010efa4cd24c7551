import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { REGION_CODE_PATTERN } from '../../common/validation-constants';

export class UpdateUnitDto {
  @ApiPropertyOptional({ example: '柯城区财政局' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: '330802' })
  @IsOptional()
  @IsString()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must have 6, 9 or 12 digits' })
  regionCode?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'null removes the parent' })
  @ValidateIf((_o, value) => value !== null)
  @IsOptional()
  @IsUUID()
  parentUnitId?: string | null;

  @ApiPropertyOptional({ description: 'true re-activates a deactivated unit' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
