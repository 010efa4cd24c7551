import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

export class RevokeMealCodeDto {
  @ApiProperty({ maxLength: 500, example: '二维码被翻拍外传', description: '作废原因（必填，记录在案）' })
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxLength(500)
  reason!: string;
}
