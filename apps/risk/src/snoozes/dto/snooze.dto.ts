import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQueryDto } from '@meal/organisation';

export class ListSnoozesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only snoozes in force today', default: false })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}

export class SnoozeDto {
  @ApiProperty() id!: string;
  @ApiProperty() modelKey!: string;
  @ApiProperty() subjectType!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({ nullable: true, type: String }) subjectName!: string | null;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ nullable: true, type: String }) caseId!: string | null;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: 'Last day (Asia/Shanghai, inclusive) of the snooze', example: '2025-06-30' }) until!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdByName!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) liftedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) liftedBy!: string | null;
  @ApiProperty({ description: 'Warnings the evaluator dropped because of this snooze' }) suppressedCount!: number;
  @ApiProperty() active!: boolean;
}

export class SnoozePageDto {
  @ApiProperty({ type: [SnoozeDto] }) items!: SnoozeDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
