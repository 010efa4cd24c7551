import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQueryDto } from '@meal/organisation';

/** POST /scans body: what the phone scanned and where it is. */
export class ScanDto {
  @ApiProperty({ maxLength: 2048, description: '扫描到的用餐码文本 (the QR text, `https://…/m/<jws>`)' })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  code!: string;

  @ApiProperty({ minimum: -90, maximum: 90, example: 28.97008, description: '手机纬度 (WGS-84)' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude!: number;

  @ApiProperty({ minimum: -180, maximum: 180, example: 118.85934, description: '手机经度 (WGS-84)' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude!: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10000, description: '定位精度（米），计入围栏时最多 100 米' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10000)
  accuracyMeters?: number;

  @ApiPropertyOptional({ enum: ['official', 'personal'], default: 'personal', description: '就餐事由：公务 / 个人' })
  @IsOptional()
  @IsIn(['official', 'personal'])
  purpose?: 'official' | 'personal';
}

export class MealParamsDto {
  @ApiProperty({ format: 'uuid', description: '就餐记录 id' })
  @IsUUID('all')
  id!: string;
}

export class MyMealsQueryDto extends PageQueryDto {}

export class VoidMealDto {
  @ApiProperty({ minLength: 1, maxLength: 200, description: '作废原因' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reason!: string;
}
