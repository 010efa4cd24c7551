import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALERT_SEVERITIES, AlertSeverity, IsCalendarDate, IsNotBefore } from '@meal/contracts';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ModelView } from '../model-settings.service';

export class UpdateModelSettingsDto {
  @ApiPropertyOptional({ description: 'On/off' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES })
  @IsOptional()
  @IsIn(ALERT_SEVERITIES)
  severity?: AlertSeverity;

  @ApiPropertyOptional({ description: "'all' or a region code prefix (2–12 digits): only subjects in it are warned about", example: '3308' })
  @IsOptional()
  @Matches(/^(all|\d{2,12})$/, { message: "scope must be 'all' or a region code prefix of 2-12 digits" })
  scope?: string;

  @ApiPropertyOptional({ description: 'Thresholds to change (merged over the current ones, validated by the model)', type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  thresholds?: Record<string, unknown>;
}

export class ModelSettingsResponseDto {
  @ApiProperty({ example: 'duplicate-subsidy' }) key!: string;
  @ApiProperty({ example: '1' }) version!: string;
  @ApiProperty({ example: '重复领补' }) title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['meal', 'claim', 'reception'], isArray: true }) triggers!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: ALERT_SEVERITIES }) severity!: AlertSeverity;
  @ApiProperty({ type: 'object', additionalProperties: true }) thresholds!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) defaultThresholds!: Record<string, unknown>;
  @ApiProperty({ example: 'all' }) scope!: string;
  @ApiProperty({ description: 'Bumped by every change; recorded on each warning' }) revision!: number;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) updatedBy!: string | null;

  static of(view: ModelView): ModelSettingsResponseDto {
    const { model, settings } = view;
    return {
      key: model.key,
      version: model.version,
      title: model.title,
      description: model.description,
      triggers: [...model.triggers],
      enabled: settings.enabled,
      severity: settings.severity,
      thresholds: settings.thresholds,
      defaultThresholds: model.defaultThresholds as Record<string, unknown>,
      scope: settings.scope,
      revision: settings.revision,
      updatedAt: settings.updatedAt,
      updatedBy: settings.updatedBy,
    };
  }
}

export class BacktestRequestDto {
  @ApiPropertyOptional({ description: 'Model version to run (default: the live one)', example: '1' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  version?: string;

  @ApiPropertyOptional({ description: 'Thresholds to try (merged over the live ones)', type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  thresholds?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'First business day (Asia/Shanghai), inclusive; default: the beginning', example: '2025-03-01' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Last business day, inclusive; default: today', example: '2025-03-31' })
  @IsOptional()
  @IsCalendarDate()
  @IsNotBefore('from')
  to?: string;
}

export class BacktestResultDto {
  @ApiProperty() model!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) thresholds!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty({ nullable: true, type: String }) to!: string | null;
  @ApiProperty({ description: 'Facts replayed as triggers' }) factsEvaluated!: number;
  @ApiProperty({ description: 'Warnings the shadow run would raise' }) wouldRaise!: number;
  @ApiProperty({ description: 'Warnings the live model stored in the range' }) live!: number;
  @ApiProperty({ description: 'Dedupe keys in both' }) inBoth!: number;
  @ApiProperty({ type: [String], description: 'Dedupe keys only the shadow run raises (first 1000)' }) onlyInShadow!: string[];
  @ApiProperty({ type: [String], description: 'Dedupe keys only live has (first 1000)' }) onlyInLive!: string[];
  @ApiProperty({ description: 'True when the range held more facts than one backtest replays' }) truncated!: boolean;
}
