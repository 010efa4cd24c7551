import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ConsoleLoginRequestDto {
  @ApiProperty({ description: "The person's external (浙政钉) identity id", example: 'zzd-inspector-city', maxLength: 64 })
  @IsString()
  @Length(1, 64)
  externalIdentityId!: string;
}

export class ConsolePrincipalDto {
  @ApiProperty() subject!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty() name!: string;
  @ApiProperty({ required: false }) regionCode?: string;
}

export class ConsoleTokenDto {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty() expiresIn!: number;
  @ApiProperty({ type: ConsolePrincipalDto }) principal!: ConsolePrincipalDto;
}
