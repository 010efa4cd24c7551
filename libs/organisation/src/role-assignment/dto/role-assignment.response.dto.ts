import { ApiProperty } from '@nestjs/swagger';
import { AssignedRole } from '../assigned-role.enum';
import { RoleAssignment } from '../role-assignment.entity';

export class RoleAssignmentResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  staffId!: string;

  @ApiProperty({ enum: AssignedRole })
  role!: AssignedRole;

  @ApiProperty({ nullable: true, type: String, example: '330800' })
  regionCode!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  unitId!: string | null;

  @ApiProperty()
  createdAt!: Date;

  static of(assignment: RoleAssignment): RoleAssignmentResponseDto {
    const { id, staffId, role, regionCode, unitId, createdAt } = assignment;
    return { id, staffId, role, regionCode, unitId, createdAt };
  }
}

export class RoleAssignmentPageDto {
  @ApiProperty({ type: [RoleAssignmentResponseDto] })
  items!: RoleAssignmentResponseDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;
}
