import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreateCanteenDto } from './create-canteen.dto';

/** Every field of a new canteen but its code (which never changes), all optional; `slots`, when given, replaces all of the canteen's slots. */
export class UpdateCanteenDto extends PartialType(OmitType(CreateCanteenDto, ['code'] as const)) {
  @ApiPropertyOptional({ description: 'true re-activates a deactivated canteen' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
