import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { REGION_CODE_PATTERN } from '../../common/validation-constants';
import { AssignedRole } from '../assigned-role.enum';

export class ListRoleAssignmentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  staffId?: string;

  @ApiPropertyOptional({ enum: AssignedRole })
  @IsOptional()
  @IsEnum(AssignedRole)
  role?: AssignedRole;

  @ApiPropertyOptional({ example: '330800' })
  @IsOptional()
  @IsString()
  @Matches(REGION_CODE_PATTERN, { message: 'regionCode must have 6, 9 or 12 digits' })
  regionCode?: string;
}
