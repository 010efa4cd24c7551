import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { MealCodeStatus } from '../meal-code-status.enum';
import { VerifiedMealCode } from '../meal-code.service';

export class VerifyMealCodeDto {
  @ApiProperty({ description: '扫码得到的文本（完整 URL）', example: 'https://meal.official-meal.local/m/eyJhbGciOiJFUzI1NiIsInR5cCI6Im1lYWwtY29kZSJ9.eyJj….' })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  text!: string;
}

export class VerifiedMealCodeDto {
  @ApiProperty({ format: 'uuid' })
  canteenId!: string;

  @ApiProperty({ type: 'integer' })
  version!: number;

  @ApiProperty({ example: 28.970083 })
  latitude!: number;

  @ApiProperty({ example: 118.859342 })
  longitude!: number;

  @ApiProperty({ type: 'integer', example: 200 })
  geofenceRadiusM!: number;

  @ApiProperty()
  issuedAt!: Date;

  @ApiProperty({ enum: [MealCodeStatus.Active, MealCodeStatus.Superseded] })
  status!: MealCodeStatus;

  @ApiProperty({ nullable: true, type: Date })
  graceUntil!: Date | null;

  static of(v: VerifiedMealCode): VerifiedMealCodeDto {
    const { canteenId, version, latitude, longitude, geofenceRadiusM, issuedAt, status, graceUntil } = v;
    return { canteenId, version, latitude, longitude, geofenceRadiusM, issuedAt, status, graceUntil };
  }
}

/** The answer of the admin test route: either the verified code or the refusal (code and message). */
export class MealCodeVerificationDto {
  @ApiProperty({ description: '是否通过校验' })
  valid!: boolean;

  @ApiPropertyOptional({ type: VerifiedMealCodeDto })
  result?: VerifiedMealCodeDto;

  @ApiPropertyOptional({
    example: 'MEAL_CODE_REVOKED',
    enum: ['MEAL_CODE_MALFORMED', 'MEAL_CODE_FORGED', 'MEAL_CODE_UNKNOWN_VERSION', 'MEAL_CODE_REVOKED', 'MEAL_CODE_EXPIRED', 'CANTEEN_INACTIVE'],
  })
  code?: string;

  @ApiPropertyOptional()
  message?: string;
}
