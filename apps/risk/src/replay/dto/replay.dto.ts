import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsCalendarDate, IsNotBefore } from '@meal/contracts';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsOptional, Matches } from 'class-validator';
import { ReplayModelResult, StoredReplayRun } from '../replay.repository';

export class StartReplayDto {
  @ApiPropertyOptional({ description: 'Model keys to replay (default: all six)', example: ['duplicate-subsidy', 'unusual-flow'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { each: true, message: 'each model must be a model key' })
  models?: string[];

  @ApiPropertyOptional({
    description: 'Thresholds to try, per model key (merged over the live ones, validated by the model)',
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: true },
    example: { 'unusual-flow': { canteenFactor: 4 } },
  })
  @IsOptional()
  @IsObject()
  thresholds?: Record<string, Record<string, unknown>>;

  @ApiPropertyOptional({ description: 'First business day reported (Asia/Shanghai), inclusive; all events are still read', example: '2025-03-01' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Last business day reported, inclusive', example: '2025-03-31' })
  @IsOptional()
  @IsCalendarDate()
  @IsNotBefore('from')
  to?: string;
}

export class ReplayModelResultDto {
  @ApiProperty({ example: 'duplicate-subsidy' }) model!: string;
  @ApiProperty({ example: '1' }) version!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) thresholds!: Record<string, unknown>;
  @ApiProperty({ description: 'Distinct warnings the shadow run would raise' }) wouldRaise!: number;
  @ApiProperty({ description: 'Live warnings of the model in the range' }) live!: number;
  @ApiProperty() inBoth!: number;
  @ApiProperty() onlyInShadowCount!: number;
  @ApiProperty() onlyInLiveCount!: number;
  @ApiProperty({ type: [String], description: 'Dedupe keys (at most 200)' }) onlyInShadow!: string[];
  @ApiProperty({ type: [String], description: 'Dedupe keys (at most 200)' }) onlyInLive!: string[];
}

export class ReplayResultDto {
  @ApiProperty({ type: [ReplayModelResultDto] }) models!: ReplayModelResult[];
  @ApiProperty({ description: 'From the start request to the end (group join and end-offset polling included)' }) elapsedMs!: number;
  @ApiProperty({ description: 'From the first consumed batch to the last one evaluated' }) consumeMs!: number;
  @ApiProperty({ description: 'eventsConsumed / consumeMs' }) eventsPerSecond!: number;
}

export class ReplayRunDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The shadow consumer group (deleted from the broker when the run ends)', example: 'risk.replay.1a2b3c4d' }) consumerGroup!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed', 'cancelled'] }) status!: string;
  @ApiProperty({ type: [String] }) models!: string[];
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty({ nullable: true, type: String }) to!: string | null;
  @ApiProperty() requestedBy!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'End offset to reach per topic:partition' }) targetOffsets!: Record<string, string>;
  @ApiProperty() eventsConsumed!: number;
  @ApiProperty() triggersEvaluated!: number;
  @ApiProperty({ type: ReplayResultDto, nullable: true }) result!: ReplayResultDto | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;

  static of(run: StoredReplayRun): ReplayRunDto {
    return { ...run };
  }
}
