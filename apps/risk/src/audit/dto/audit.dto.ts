import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_ACTIONS } from '../audit.types';

export class AuditEntryDto {
  @ApiProperty({ description: 'Monotonic sequence number of the trail' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) caseId!: string | null;
  @ApiProperty({ description: 'Staff id of who acted' }) actorId!: string;
  @ApiProperty() actorName!: string;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action!: string;
  @ApiProperty({ description: 'field → { from, to }', type: 'object', additionalProperties: true }) changes!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) detail!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) correlationId!: string | null;
  @ApiProperty({ description: 'UTC instant (microseconds)' }) at!: string;
}
