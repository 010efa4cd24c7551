import { ApiProperty } from '@nestjs/swagger';

export class ImportFieldErrorDto {
  @ApiProperty({ example: 'tripEnd' }) field!: string;
  @ApiProperty({ example: 'tripEnd must not be before tripStart' }) message!: string;
}

export class ImportRejectedRowDto {
  @ApiProperty({ description: 'CSV: the physical line (the header is line 1). JSON: the 1-based position in the array.' }) line!: number;
  @ApiProperty({ type: [ImportFieldErrorDto] }) errors!: ImportFieldErrorDto[];
}

export class ImportResultDto {
  @ApiProperty({ description: 'Rows accepted and published (one event each)' }) accepted!: number;
  @ApiProperty({ type: [ImportRejectedRowDto] }) rejected!: ImportRejectedRowDto[];
}
