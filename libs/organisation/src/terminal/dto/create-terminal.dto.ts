import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ENTITY_CODE_PATTERN } from '../../common/validation-constants';

export class CreateTerminalDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  canteenId!: string;

  @ApiProperty({ example: 'T-C-330802-01-1' })
  @IsString()
  @Matches(ENTITY_CODE_PATTERN, { message: 'code must be 1-32 letters, digits, dots, dashes or underscores' })
  code!: string;

  @ApiProperty({ example: '柯城区机关食堂 1 号终端' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;
}
