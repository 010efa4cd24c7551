import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { Principal, Role } from '@meal/auth';

/** Exactly one of the two fields: a person (by their 浙政钉 identity) or a canteen terminal (by its code). */
export class DevLoginRequestDto {
  @ApiPropertyOptional({ description: 'The person\'s external (浙政钉) identity id, staff.external_identity_id', example: 'zzd-0001', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  externalIdentityId?: string;

  @ApiPropertyOptional({ description: 'A canteen terminal\'s code, terminals.code', example: 'KC-CANTEEN-01-T1', maxLength: 32 })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  @Matches(/^[\w.-]+$/, { message: 'terminalCode may contain letters, digits, underscore, dot and dash' })
  terminalCode?: string;
}

/** The verified identity behind a token. */
export class PrincipalDto {
  @ApiProperty({ description: 'Staff id for people, terminal id for terminals (the token subject)', format: 'uuid' })
  subject!: string;

  @ApiProperty({ enum: ['staff', 'terminal'] })
  kind!: 'staff' | 'terminal';

  @ApiProperty({ enum: Role, isArray: true, enumName: 'Role' })
  roles!: Role[];

  @ApiProperty({ example: '张三' })
  name!: string;

  @ApiPropertyOptional({ description: 'The staff member\'s unit (people only)', format: 'uuid' })
  unitId?: string;

  @ApiPropertyOptional({ description: 'The canteen a terminal is bound to (terminals only)', format: 'uuid' })
  canteenId?: string;

  @ApiPropertyOptional({ description: 'An inspector\'s jurisdiction: this region and everything under it', example: '330802' })
  regionCode?: string;

  @ApiPropertyOptional({ description: 'The unit whose finances a settlement officer handles (absent: clearing-company wide)', format: 'uuid' })
  settlementUnitId?: string;

  @ApiProperty({ description: 'The token id (jti), for audit', format: 'uuid' })
  tokenId!: string;

  static from(principal: Principal): PrincipalDto {
    return Object.assign(new PrincipalDto(), principal);
  }
}

export class AccessTokenDto {
  @ApiProperty({ description: 'An ES256-signed JWT; send it as `Authorization: Bearer <accessToken>`' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires', example: 900 })
  expiresIn!: number;

  @ApiProperty({ type: PrincipalDto })
  principal!: PrincipalDto;
}
