import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export class CreateStaffDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  unitId!: string;

  @ApiProperty({ example: 'S000123', description: 'Unique within the unit' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, { message: 'staffNumber must be 1-32 letters, digits, dots, dashes or underscores' })
  staffNumber!: string;

  @ApiProperty({ example: 'zzd-123', description: '浙政钉 account id; unique' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/, { message: 'externalIdentityId must be 1-64 letters, digits or . _ : @ -' })
  externalIdentityId!: string;

  @ApiProperty({ example: '王伟' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;
}
