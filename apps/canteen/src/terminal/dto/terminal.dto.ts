import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { MealViewDto } from '../../scanning/dto/scan.response.dto';

export const MAX_OFFLINE_CONFIRMATIONS = 500;

export class VerifyPassDto {
  @ApiProperty({ maxLength: 4096, description: '扫描到的就餐凭证 (the pass JWS from the diner’s phone)' })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  pass!: string;
}

export class OfflineConfirmationDto {
  @ApiProperty({ format: 'uuid', description: '终端生成的确认编号（幂等）' })
  @IsUUID('all')
  confirmationId!: string;

  @ApiProperty({ maxLength: 4096 })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  pass!: string;

  @ApiProperty({ format: 'date-time', description: '离线核销时间 (ISO-8601)' })
  @IsISO8601({ strict: true, strictSeparator: true })
  verifiedAt!: string;
}

export class OfflineConfirmationsDto {
  @ApiProperty({ type: OfflineConfirmationDto, isArray: true, maxItems: MAX_OFFLINE_CONFIRMATIONS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_OFFLINE_CONFIRMATIONS)
  @ValidateNested({ each: true })
  @Type(() => OfflineConfirmationDto)
  confirmations!: OfflineConfirmationDto[];
}

export class VerifiedDinerDto {
  @ApiProperty() name!: string;
  @ApiProperty() unitName!: string;
}

export class VerificationResponseDto {
  @ApiProperty({ enum: ['accepted'] }) result!: 'accepted';
  @ApiProperty({ type: MealViewDto }) meal!: MealViewDto;
  @ApiProperty({ type: VerifiedDinerDto }) diner!: VerifiedDinerDto;
  @ApiProperty({ enum: ['breakfast', 'lunch', 'dinner'] }) slot!: string;
  @ApiProperty() slotLabel!: string;
  @ApiProperty() priceFen!: number;
  @ApiProperty({ enum: ['self', 'unit'] }) payer!: string;
  @ApiProperty({ format: 'date-time' }) verifiedAt!: string;
}

export class OfflineConfirmationResultDto {
  @ApiProperty({ format: 'uuid' }) confirmationId!: string;
  @ApiProperty({ enum: ['accepted', 'duplicate', 'refused'] }) outcome!: 'accepted' | 'duplicate' | 'refused';
  @ApiPropertyOptional() code?: string;
  @ApiPropertyOptional() message?: string;
}

export class OfflineConfirmationsResponseDto {
  @ApiProperty({ type: OfflineConfirmationResultDto, isArray: true }) results!: OfflineConfirmationResultDto[];
}

export class PassKeyJwkDto {
  @ApiProperty() kty!: string;
  @ApiProperty() crv!: string;
  @ApiProperty() x!: string;
  @ApiProperty() y!: string;
  @ApiProperty() alg!: string;
  @ApiProperty() use!: string;
  @ApiProperty() kid!: string;
}

export class PassKeyResponseDto {
  @ApiProperty({ format: 'uuid' }) canteenId!: string;
  @ApiProperty() kid!: string;
  @ApiProperty({ enum: ['ES256'] }) alg!: string;
  @ApiProperty({ enum: ['meal-pass'], description: 'typ header and kind claim of a pass' }) typ!: string;
  @ApiProperty({ type: PassKeyJwkDto }) jwk!: PassKeyJwkDto;
  @ApiProperty({ description: 'pass lifetime; offline, check exp against the local clock' }) passTtlSeconds!: number;
}

export class SlotSummaryDto {
  @ApiProperty({ enum: ['breakfast', 'lunch', 'dinner'] }) slot!: string;
  @ApiProperty() slotLabel!: string;
  @ApiProperty({ description: '已扫码（未作废）' }) scanned!: number;
  @ApiProperty({ description: '已核销' }) verified!: number;
  @ApiPropertyOptional() opensAt?: string;
  @ApiPropertyOptional() closesAt?: string;
}

export class TerminalSummaryDto {
  @ApiProperty({ example: '2025-11-24' }) mealDate!: string;
  @ApiProperty({ format: 'uuid' }) canteenId!: string;
  @ApiProperty() canteenName!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'slot open now' }) currentSlot!: string | null;
  @ApiProperty({ type: SlotSummaryDto, isArray: true }) slots!: SlotSummaryDto[];
}
