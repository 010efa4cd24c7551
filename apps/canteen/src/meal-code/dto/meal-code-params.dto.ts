import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsUUID, Max, Min } from 'class-validator';

const toInteger = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value);

export class CanteenParamsDto {
  @ApiProperty({ format: 'uuid', description: '食堂 id' })
  @IsUUID('all')
  canteenId!: string;
}

export class CanteenVersionParamsDto extends CanteenParamsDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 2, description: '用餐码版本号' })
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version!: number;
}
