import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';

export class SetSimulationClockDto {
  @ApiProperty({ description: 'The instant the scan clock shows from now on (it then runs at the real pace), ISO 8601 with offset', example: '2026-03-02T03:40:00Z' })
  @IsISO8601({ strict: true })
  now!: string;
}

export class SimulationClockDto {
  @ApiProperty({ description: 'What the scan clock shows now (UTC)' })
  now!: string;

  @ApiProperty({ description: 'Seconds between the scan clock and the real clock' })
  offsetSeconds!: number;
}
