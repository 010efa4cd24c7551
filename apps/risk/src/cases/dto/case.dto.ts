import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@meal/organisation';
import { IsOptional, Matches } from 'class-validator';

export class ListCasesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: "Case status ('new' for now; the inspectors' console adds its workflow)", example: 'new' })
  @IsOptional()
  @Matches(/^[a-z][a-z-]{0,31}$/, { message: 'status must be a case status' })
  status?: string;

  @ApiPropertyOptional({ description: 'Model key', example: 'two-meals-one-slot' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'model must be a model key' })
  model?: string;
}

export class CaseResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() modelKey!: string;
  @ApiProperty({ enum: ['diner', 'unit', 'unit-pair', 'unit-group', 'canteen'] }) subjectType!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({ nullable: true, type: String }) subjectName!: string | null;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ example: 'new' }) status!: string;
  @ApiProperty({ enum: ['low', 'medium', 'high', 'critical'], description: 'The highest severity of its warnings' }) severity!: string;
  @ApiProperty({ nullable: true, type: String }) assigneeId!: string | null;
  @ApiProperty() warningCount!: number;
  @ApiProperty() firstWarningAt!: string;
  @ApiProperty() lastWarningAt!: string;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
}

export class CasePageDto {
  @ApiProperty({ type: [CaseResponseDto] }) items!: CaseResponseDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
