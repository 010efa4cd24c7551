import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PageQueryDto } from '@meal/organisation';
import { CASE_RESOLUTIONS, CASE_STATUSES } from '../case-workflow';
import { CASE_SORT_KEYS } from '../case.repository';

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const SUBJECT_TYPES = ['diner', 'unit', 'unit-pair', 'unit-group', 'canteen'] as const;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const NOTE_MAX_LENGTH = 2000;
export const REASON_MAX_LENGTH = 500;
export const BULK_MAX_CASES = 100;

/** The queue's filters (every one optional). Unknown query parameters are refused with 400 VALIDATION_FAILED. */
export class CaseFilterQueryDto {
  @ApiPropertyOptional({ enum: [...CASE_STATUSES, 'open'], description: "Status; 'open' = new, assigned or investigating" })
  @IsOptional()
  @IsIn([...CASE_STATUSES, 'open'])
  status?: (typeof CASE_STATUSES)[number] | 'open';

  @ApiPropertyOptional({ enum: CASE_RESOLUTIONS })
  @IsOptional()
  @IsIn(CASE_RESOLUTIONS)
  resolution?: (typeof CASE_RESOLUTIONS)[number];

  @ApiPropertyOptional({ description: 'Model key', example: 'two-meals-one-slot' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'model must be a model key' })
  model?: string;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: (typeof SEVERITIES)[number];

  @ApiPropertyOptional({ enum: SUBJECT_TYPES })
  @IsOptional()
  @IsIn(SUBJECT_TYPES)
  subjectType?: (typeof SUBJECT_TYPES)[number];

  @ApiPropertyOptional({ description: 'Region code: the region and everything below it (within the jurisdiction)', example: '330802' })
  @IsOptional()
  @Matches(/^\d{6}(\d{3}){0,2}$/, { message: 'regionCode must be a 6, 9 or 12 digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ description: 'Unit id: cases about the unit, a pair or group containing it, its staff or its canteens' })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ description: "Assignee: a staff id, 'me' or 'none' (unassigned)" })
  @IsOptional()
  @Matches(/^(me|none|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/, { message: "assignee must be a staff id, 'me' or 'none'" })
  assignee?: string;

  @ApiPropertyOptional({ description: 'Last warning on or after this day (Asia/Shanghai)', example: '2025-03-01' })
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ description: 'Last warning on or before this day (Asia/Shanghai)', example: '2025-03-31' })
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ enum: CASE_SORT_KEYS, default: 'lastWarningAt' })
  @IsOptional()
  @IsIn(CASE_SORT_KEYS)
  sort?: (typeof CASE_SORT_KEYS)[number];

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

/** The filters plus `page` and `pageSize` (offset pagination over indexed sort keys). */
export class ListCasesQueryDto extends IntersectionType(CaseFilterQueryDto, PageQueryDto) {}

export class CaseResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() modelKey!: string;
  @ApiProperty({ enum: SUBJECT_TYPES }) subjectType!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({ nullable: true, type: String }) subjectName!: string | null;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: string;
  @ApiProperty({ enum: SEVERITIES, description: 'The highest severity of its warnings' }) severity!: string;
  @ApiProperty({ nullable: true, type: String }) assigneeId!: string | null;
  @ApiProperty({ nullable: true, type: String }) assigneeName!: string | null;
  @ApiProperty() warningCount!: number;
  @ApiProperty() firstWarningAt!: string;
  @ApiProperty() lastWarningAt!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) assignedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty({ nullable: true, enum: CASE_RESOLUTIONS }) resolution!: string | null;
}

export class CasePageDto {
  @ApiProperty({ type: [CaseResponseDto] }) items!: CaseResponseDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class TakeNextDto {
  @ApiPropertyOptional({ description: 'Only cases of this model' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'model must be a model key' })
  model?: string;
}

export class AssignCaseDto {
  @ApiProperty({ description: 'Staff id of an active inspector whose jurisdiction covers the case' })
  @IsUUID()
  assigneeId!: string;
}

export class CloseCaseDto {
  @ApiProperty({ enum: CASE_RESOLUTIONS, description: 'confirmed 属实 / dismissed 不属实(误报) / inconclusive 无法认定' })
  @IsIn(CASE_RESOLUTIONS)
  resolution!: (typeof CASE_RESOLUTIONS)[number];

  @ApiProperty({ maxLength: REASON_MAX_LENGTH, description: 'Why (kept in the audit trail)' })
  @IsString()
  @Length(1, REASON_MAX_LENGTH)
  reason!: string;
}

export class ReasonDto {
  @ApiProperty({ maxLength: REASON_MAX_LENGTH })
  @IsString()
  @Length(1, REASON_MAX_LENGTH)
  reason!: string;
}

export class AddNoteDto {
  @ApiProperty({ maxLength: NOTE_MAX_LENGTH })
  @IsString()
  @MinLength(1)
  @MaxLength(NOTE_MAX_LENGTH)
  body!: string;
}

export class AddAttachmentDto {
  @ApiProperty({ maxLength: 200, example: '询问笔录.pdf' })
  @IsString()
  @Length(1, 200)
  @Matches(/^[^/\\\u0000-\u001f]+$/, { message: 'fileName must not contain path separators or control characters' })
  fileName!: string;

  @ApiProperty({ enum: ['application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'text/csv'] })
  @IsString()
  @MaxLength(100)
  contentType!: string;

  @ApiProperty({ description: 'The file, base64 (at most 512 KiB decoded)' })
  @IsString()
  @MaxLength(700_000)
  contentBase64!: string;
}

export class SnoozeCaseDto {
  @ApiProperty({ maxLength: REASON_MAX_LENGTH })
  @IsString()
  @Length(1, REASON_MAX_LENGTH)
  reason!: string;

  @ApiProperty({ description: 'Last day (Asia/Shanghai, inclusive) the model stays silent for the subject; today … today + 366 days', example: '2025-06-30' })
  @Matches(DATE, { message: 'until must be a date YYYY-MM-DD' })
  until!: string;
}

export class BulkCaseActionDto {
  @ApiProperty({ enum: ['assign', 'close'] })
  @IsIn(['assign', 'close'])
  action!: 'assign' | 'close';

  @ApiProperty({ type: [String], maxItems: BULK_MAX_CASES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_MAX_CASES)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  caseIds!: string[];

  @ApiPropertyOptional({ description: 'For assign' })
  @ValidateIf((o: BulkCaseActionDto) => o.action === 'assign')
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ enum: CASE_RESOLUTIONS, description: 'For close' })
  @ValidateIf((o: BulkCaseActionDto) => o.action === 'close')
  @IsIn(CASE_RESOLUTIONS)
  resolution?: (typeof CASE_RESOLUTIONS)[number];

  @ApiPropertyOptional({ maxLength: REASON_MAX_LENGTH, description: 'For close' })
  @ValidateIf((o: BulkCaseActionDto) => o.action === 'close')
  @IsString()
  @Length(1, REASON_MAX_LENGTH)
  reason?: string;
}

export class BulkResultDto {
  @ApiProperty({ type: [CaseResponseDto] }) items!: CaseResponseDto[];
}

export class TakeNextResultDto {
  @ApiProperty({ type: CaseResponseDto }) case!: CaseResponseDto;
}

export class CaseWarningDto {
  @ApiProperty() id!: string;
  @ApiProperty() modelVersion!: string;
  @ApiProperty() settingsRevision!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) thresholds!: Record<string, unknown>;
  @ApiProperty() severity!: string;
  @ApiProperty({ description: '一行中文说明' }) explanation!: string;
  @ApiProperty() businessDate!: string;
  @ApiProperty() raisedAt!: string;
}

export class TimelineItemDto {
  @ApiProperty({ enum: ['meal', 'allowance-claim', 'reception-record', 'other'] }) kind!: string;
  @ApiProperty() ref!: string;
  @ApiProperty({ nullable: true, type: String }) occurredAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) date!: string | null;
  @ApiProperty() summary!: string;
  @ApiProperty({ nullable: true, type: Number }) amountFen!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'canteenName/slot, tripStart/tripEnd, hostUnitName/guestUnitNames/place…' })
  facts!: Record<string, unknown>;
  @ApiProperty({ type: [String] }) warningIds!: string[];
}

export class MapPointDto {
  @ApiProperty() ref!: string;
  @ApiProperty({ nullable: true, type: String }) occurredAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) canteenName!: string | null;
  @ApiProperty() canteenLatitude!: number;
  @ApiProperty() canteenLongitude!: number;
  @ApiProperty({ nullable: true, type: Number }) geofenceRadiusM!: number | null;
  @ApiProperty() scanLatitude!: number;
  @ApiProperty() scanLongitude!: number;
  @ApiProperty({ nullable: true, type: Number }) distanceMeters!: number | null;
  @ApiProperty({ nullable: true, type: Boolean }) withinGeofence!: boolean | null;
}

export class CaseMapDto {
  @ApiProperty({ type: [MapPointDto] }) points!: MapPointDto[];
}

export class GraphNodeDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
}

export class GraphEdgeDto {
  @ApiProperty({ description: 'Host unit id' }) host!: string;
  @ApiProperty({ description: 'Guest unit id' }) guest!: string;
  @ApiProperty({ nullable: true, type: String }) date!: string | null;
  @ApiProperty() recordId!: string;
  @ApiProperty({ nullable: true, type: Number }) amountFen!: number | null;
  @ApiProperty({ nullable: true, type: String }) officialLetterRef!: string | null;
}

export class CaseGraphDto {
  @ApiProperty({ type: [GraphNodeDto] }) nodes!: GraphNodeDto[];
  @ApiProperty({ type: [GraphEdgeDto] }) edges!: GraphEdgeDto[];
}

export class CaseNoteDto {
  @ApiProperty() id!: string;
  @ApiProperty() authorId!: string;
  @ApiProperty() authorName!: string;
  @ApiProperty() body!: string;
  @ApiProperty() createdAt!: string;
}

export class CaseAttachmentDto {
  @ApiProperty() id!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty() sha256!: string;
  @ApiProperty() uploadedBy!: string;
  @ApiProperty() uploadedByName!: string;
  @ApiProperty() uploadedAt!: string;
}

export class CasePermissionsDto {
  @ApiProperty() lead!: boolean;
  @ApiProperty() assignee!: boolean;
  @ApiProperty() canTake!: boolean;
  @ApiProperty() canAssign!: boolean;
  @ApiProperty() canStart!: boolean;
  @ApiProperty() canClose!: boolean;
  @ApiProperty() canReopen!: boolean;
  @ApiProperty() canAnnotate!: boolean;
  @ApiProperty() canSnooze!: boolean;
}

export class CaseSnoozeDto {
  @ApiProperty() id!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() until!: string;
  @ApiProperty() createdByName!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty() suppressedCount!: number;
}

export class CaseDetailDto {
  @ApiProperty({ type: CaseResponseDto }) case!: CaseResponseDto;
  @ApiProperty({ description: '模型名称' }) modelTitle!: string;
  @ApiProperty({ type: [CaseWarningDto], description: 'Newest first (at most 500)' }) warnings!: CaseWarningDto[];
  @ApiProperty({ type: [TimelineItemDto] }) timeline!: TimelineItemDto[];
  @ApiProperty({ type: CaseMapDto, nullable: true, description: 'Scan positions against canteen geofences (location warnings)' }) map!: CaseMapDto | null;
  @ApiProperty({ type: CaseGraphDto, nullable: true, description: 'Who hosted whom (reception evidence)' }) graph!: CaseGraphDto | null;
  @ApiProperty({ type: [CaseNoteDto] }) notes!: CaseNoteDto[];
  @ApiProperty({ type: [CaseAttachmentDto] }) attachments!: CaseAttachmentDto[];
  @ApiProperty({ type: [CaseSnoozeDto] }) snoozes!: CaseSnoozeDto[];
  @ApiProperty({ type: CasePermissionsDto }) permissions!: CasePermissionsDto;
}
