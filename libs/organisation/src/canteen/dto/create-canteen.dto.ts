import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ENTITY_CODE_PATTERN, REGION_CODE_PATTERN } from '../../common/validation-constants';
import { RegionLevel } from '../../region/region-level.enum';
import { MealSlotDto } from './meal-slot.dto';

export class CreateCanteenDto {
  @ApiProperty({ example: 'C-330802-01', description: 'Unique canteen code (letters, digits, . _ -; up to 32)' })
  @IsString()
  @Matches(ENTITY_CODE_PATTERN, { message: 'code must be 1-32 letters, digits, dots, dashes or underscores' })
  code!: string;

  @ApiProperty({ example: '柯城区机关食堂' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  ownerUnitId!: string;

  @ApiProperty({ example: '330802' })
  @IsString()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must have 6, 9 or 12 digits' })
  regionCode!: string;

  @ApiPropertyOptional({ enum: RegionLevel, description: 'Defaults to the level of the region; must equal it (village = 廉政灶)' })
  @IsOptional()
  @IsEnum(RegionLevel)
  level?: RegionLevel;

  @ApiProperty({ example: 28.97, minimum: -90, maximum: 90 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude!: number;

  @ApiProperty({ example: 118.87, minimum: -180, maximum: 180 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude!: number;

  @ApiProperty({ example: 150, minimum: 10, maximum: 5000, description: 'Scans farther than this from the canteen are suspect' })
  @IsInt()
  @Min(10)
  @Max(5000)
  geofenceRadiusM!: number;

  @ApiProperty({ type: [MealSlotDto], description: '1 to 3 meal slots, each slot at most once' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => MealSlotDto)
  slots!: MealSlotDto[];
}
