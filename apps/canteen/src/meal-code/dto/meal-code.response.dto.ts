import { ApiProperty } from '@nestjs/swagger';
import { MealCodeStatus } from '../meal-code-status.enum';
import { MealCodeView, RevokeResult } from '../meal-code.service';

export class MealCodeResponseDto {
  @ApiProperty({ format: 'uuid' })
  canteenId!: string;

  @ApiProperty({ type: 'integer', example: 1 })
  version!: number;

  @ApiProperty({ enum: MealCodeStatus })
  status!: MealCodeStatus;

  @ApiProperty({ description: '此版本现在扫码是否有效（有效，或已轮换但仍在过渡期内）' })
  usable!: boolean;

  @ApiProperty({ description: '二维码中的文本：<publicBaseUrl>/m/<ES256 JWS>' })
  text!: string;

  @ApiProperty()
  issuedAt!: Date;

  @ApiProperty({ nullable: true, type: Date })
  supersededAt!: Date | null;

  @ApiProperty({ nullable: true, type: Date, description: '已轮换的旧码在此时刻之前仍可使用' })
  graceUntil!: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  revokedAt!: Date | null;

  @ApiProperty({ nullable: true, type: String })
  revokedReason!: string | null;

  static of(view: MealCodeView): MealCodeResponseDto {
    const { canteenId, version, status, issuedAt, supersededAt, graceUntil, revokedAt, revokedReason } = view.code;
    return { canteenId, version, status, usable: view.usable, text: view.text, issuedAt, supersededAt, graceUntil, revokedAt, revokedReason };
  }
}

export class RevokeMealCodesResponseDto {
  @ApiProperty({ format: 'uuid' })
  canteenId!: string;

  @ApiProperty({ type: 'integer', isArray: true, description: '本次作废的版本（已作废的版本不再重复列出）' })
  revokedVersions!: number[];

  static of(result: RevokeResult): RevokeMealCodesResponseDto {
    return { canteenId: result.canteenId, revokedVersions: result.revokedVersions };
  }
}

export class MealCodePublicKeyDto {
  @ApiProperty({ example: 'ES256' })
  alg!: string;

  @ApiProperty({ example: 'official-meal/meal-code' })
  issuer!: string;

  @ApiProperty({ example: 'meal-code', description: 'JWS 头部 typ 与载荷 kind 的取值' })
  kind!: string;

  @ApiProperty({ description: 'SPKI PEM 公钥' })
  publicKeyPem!: string;

  @ApiProperty({ description: 'JWK 公钥（kid 为 RFC 7638 指纹）', example: { kty: 'EC', crv: 'P-256', x: '…', y: '…', alg: 'ES256', use: 'sig', kid: '…' } })
  jwk!: Record<string, string>;
}
