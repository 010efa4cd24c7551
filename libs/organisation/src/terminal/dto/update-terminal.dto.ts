import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreateTerminalDto } from './create-terminal.dto';

/** Every field of a new terminal but its code (which never changes), all optional; `canteenId` re-binds it to another canteen. */
export class UpdateTerminalDto extends PartialType(OmitType(CreateTerminalDto, ['code'] as const)) {
  @ApiPropertyOptional({ description: 'true re-activates a deactivated terminal' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
