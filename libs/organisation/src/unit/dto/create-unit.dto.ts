import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ENTITY_CODE_PATTERN, REGION_CODE_PATTERN } from '../../common/validation-constants';

export class CreateUnitDto {
  @ApiProperty({ example: 'U-330802-FIN', description: 'Unique unit code (letters, digits, . _ -; up to 32)' })
  @IsString()
  @Matches(ENTITY_CODE_PATTERN, { message: 'code must be 1-32 letters, digits, dots, dashes or underscores' })
  code!: string;

  @ApiProperty({ example: '柯城区财政局' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: '330802' })
  @IsString()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must have 6, 9 or 12 digits' })
  regionCode!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The unit this one reports to' })
  @IsOptional()
  @IsUUID()
  parentUnitId?: string;
}
