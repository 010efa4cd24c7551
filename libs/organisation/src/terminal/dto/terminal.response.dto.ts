import { ApiProperty } from '@nestjs/swagger';
import { Terminal } from '../terminal.entity';

export class TerminalResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  canteenId!: string;

  @ApiProperty({ example: 'T-C-330802-01-1' })
  code!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  active!: boolean;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty()
  updatedAt!: Date;

  static of(terminal: Terminal): TerminalResponseDto {
    const { id, canteenId, code, name, active, createdAt, updatedAt } = terminal;
    return { id, canteenId, code, name, active, createdAt, updatedAt };
  }
}

export class TerminalPageDto {
  @ApiProperty({ type: [TerminalResponseDto] })
  items!: TerminalResponseDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;
}
