import { ApiProperty } from '@nestjs/swagger';
import { Staff } from '../staff.entity';

export class StaffResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  unitId!: string;

  @ApiProperty({ example: 'S000123' })
  staffNumber!: string;

  @ApiProperty({ example: 'zzd-123' })
  externalIdentityId!: string;

  @ApiProperty({ example: '王伟' })
  name!: string;

  @ApiProperty()
  active!: boolean;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;

  static of(staff: Staff): StaffResponseDto {
    const { id, unitId, staffNumber, externalIdentityId, name, active, createdAt, updatedAt } = staff;
    return { id, unitId, staffNumber, externalIdentityId, name, active, createdAt, updatedAt };
  }
}

export class StaffPageDto {
  @ApiProperty({ type: [StaffResponseDto] })
  items!: StaffResponseDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;
}
