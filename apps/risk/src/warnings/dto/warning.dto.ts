import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@meal/organisation';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export class ListWarningsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Model key', example: 'duplicate-subsidy' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'model must be a model key' })
  model?: string;

  @ApiPropertyOptional({ description: 'Subject id (diner, unit, unit pair, canteen)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subjectId?: string;

  @ApiPropertyOptional({ description: 'Case id' })
  @IsOptional()
  @IsUUID()
  caseId?: string;
}

export class EvidenceItemDto {
  @ApiProperty({ enum: ['meal', 'allowance-claim', 'reception-record', 'scan-location', 'other'] }) kind!: string;
  @ApiProperty({ description: 'mealId / claimId / recordId' }) ref!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() summary!: string;
  @ApiPropertyOptional() occurredAt?: string;
  @ApiPropertyOptional() date?: string;
  @ApiPropertyOptional() amountFen?: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

export class WarningResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() modelKey!: string;
  @ApiProperty() modelVersion!: string;
  @ApiProperty() settingsRevision!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) thresholds!: object;
  @ApiProperty({ enum: ['low', 'medium', 'high', 'critical'] }) severity!: string;
  @ApiProperty({ enum: ['diner', 'unit', 'unit-pair', 'unit-group', 'canteen'] }) subjectType!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty() subjectName!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() dedupeKey!: string;
  @ApiProperty({ type: [EvidenceItemDto] }) evidence!: EvidenceItemDto[];
  @ApiProperty({ description: '给核查人员的一行说明' }) explanation!: string;
  @ApiProperty() triggerEventId!: string;
  @ApiProperty() businessDate!: string;
  @ApiProperty() caseId!: string;
  @ApiProperty() raisedAt!: string;
}

export class WarningPageDto {
  @ApiProperty({ type: [WarningResponseDto] }) items!: WarningResponseDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
