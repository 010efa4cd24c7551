import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { REGION_CODE_PATTERN } from '../../common/validation-constants';
import { AssignedRole } from '../assigned-role.enum';

export class CreateRoleAssignmentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  staffId!: string;

  @ApiProperty({ enum: AssignedRole })
  @IsEnum(AssignedRole)
  role!: AssignedRole;

  @ApiPropertyOptional({ example: '330800', description: 'Jurisdiction; required for inspector, not allowed otherwise' })
  @IsOptional()
  @IsString()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must have 6, 9 or 12 digits' })
  regionCode?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Settlement officer only: the unit of a unit finance officer (omit for the clearing company)' })
  @IsOptional()
  @IsUUID()
  unitId?: string;
}
