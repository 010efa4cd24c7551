import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_GRACE_SECONDS_LIMIT } from '../meal-code.options';

export class RotateMealCodeDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_GRACE_SECONDS_LIMIT,
    example: 86400,
    description: '旧码过渡期（秒）：轮换后旧码在此期间仍可使用。默认 86400（24 小时），上限由部署配置决定（默认 7 天）。',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_SECONDS_LIMIT)
  graceSeconds?: number;
}
