import { ApiProperty } from '@nestjs/swagger';
import { IsEnum, IsInt, IsString, Matches, Min } from 'class-validator';
import { WALL_CLOCK_TIME_PATTERN } from '../../common/validation-constants';
import { MealSlotKind } from '../meal-slot.enum';

export class MealSlotDto {
  @ApiProperty({ enum: MealSlotKind, example: MealSlotKind.Lunch })
  @IsEnum(MealSlotKind)
  slot!: MealSlotKind;

  @ApiProperty({ example: '11:00', description: 'Local Asia/Shanghai time, HH:MM' })
  @IsString()
  @Matches(WALL_CLOCK_TIME_PATTERN, { message: 'opensAt must be a time HH:MM' })
  opensAt!: string;

  @ApiProperty({ example: '13:00', description: 'Local Asia/Shanghai time, HH:MM; after opensAt' })
  @IsString()
  @Matches(WALL_CLOCK_TIME_PATTERN, { message: 'closesAt must be a time HH:MM' })
  closesAt!: string;

  @ApiProperty({ example: 1200, description: 'Price for the canteen unit\'s own staff, fen; breakfast ≤ 2000, lunch/dinner ≤ 4000' })
  @IsInt()
  @Min(0)
  staffPriceFen!: number;

  @ApiProperty({ example: 2500, description: 'Price for visitors, fen; breakfast ≤ 2000, lunch/dinner ≤ 4000' })
  @IsInt()
  @Min(0)
  visitorPriceFen!: number;
}

export class MealSlotResponseDto {
  @ApiProperty({ enum: MealSlotKind })
  slot!: MealSlotKind;

  @ApiProperty({ example: '11:00' })
  opensAt!: string;

  @ApiProperty({ example: '13:00' })
  closesAt!: string;

  @ApiProperty({ example: 1200 })
  staffPriceFen!: number;

  @ApiProperty({ example: 2500 })
  visitorPriceFen!: number;
}
