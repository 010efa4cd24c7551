import { ApiProperty } from '@nestjs/swagger';

export class InspectorDto {
  @ApiProperty({ description: 'Staff id' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Jurisdiction region code' }) regionCode!: string;
  @ApiProperty({ description: 'An inspector lead (组长): assigns, bulk-closes, snoozes' }) lead!: boolean;
}

export class InspectorMeDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) regionCode!: string | null;
  @ApiProperty() lead!: boolean;
}

export class InspectorLeadDto {
  @ApiProperty() staffId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) regionCode!: string | null;
  @ApiProperty() grantedBy!: string;
  @ApiProperty() grantedAt!: string;
}
