import { ApiProperty } from '@nestjs/swagger';
import { Unit } from '../unit.entity';

export class UnitResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'U-330802-FIN' })
  code!: string;

  @ApiProperty({ example: '柯城区财政局' })
  name!: string;

  @ApiProperty({ example: '330802' })
  regionCode!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  parentUnitId!: string | null;

  @ApiProperty()
  active!: boolean;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;

  static of(unit: Unit): UnitResponseDto {
    const { id, code, name, regionCode, parentUnitId, active, createdAt, updatedAt } = unit;
    return { id, code, name, regionCode, parentUnitId, active, createdAt, updatedAt };
  }
}

export class UnitPageDto {
  @ApiProperty({ type: [UnitResponseDto] })
  items!: UnitResponseDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;
}
