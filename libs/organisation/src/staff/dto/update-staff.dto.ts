import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreateStaffDto } from './create-staff.dto';

/** Every field of a new staff member but the 浙政钉 identity (which never changes), all optional; `unitId` moves them to another unit. */
export class UpdateStaffDto extends PartialType(OmitType(CreateStaffDto, ['externalIdentityId'] as const)) {
  @ApiPropertyOptional({ description: 'true re-activates a deactivated staff member' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
