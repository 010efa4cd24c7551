import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class MonthRangeQueryDto {
  @ApiPropertyOptional({ description: 'First month (inclusive); default: 11 months before `to`', example: '2025-01' })
  @IsOptional()
  @Matches(MONTH, { message: 'from must be a month YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({ description: 'Last month (inclusive); default: this month (Asia/Shanghai)', example: '2025-12' })
  @IsOptional()
  @Matches(MONTH, { message: 'to must be a month YYYY-MM' })
  to?: string;
}

export class ModelMonthDto {
  @ApiProperty({ example: '2025-03' }) month!: string;
  @ApiProperty() modelKey!: string;
  @ApiProperty() count!: number;
}

export class RegionCountDto {
  @ApiProperty({ description: 'County-level region code' }) regionCode!: string;
  @ApiProperty({ nullable: true, type: String }) regionName!: string | null;
  @ApiProperty() count!: number;
}

export class CountDto {
  @ApiProperty() key!: string;
  @ApiProperty() count!: number;
}

export class CanteenUseDto {
  @ApiProperty() month!: string;
  @ApiProperty() meals!: number;
  @ApiProperty() diners!: number;
  @ApiProperty() canteens!: number;
  @ApiProperty() unitPaidMeals!: number;
  @ApiProperty({ description: 'Unit-paid (公务结算) meal spending, integer fen' }) unitPaidFen!: number;
}

export class ReceptionTrendDto {
  @ApiProperty() month!: string;
  @ApiProperty() receptions!: number;
  @ApiProperty({ description: 'Integer fen' }) amountFen!: number;
  @ApiProperty() withoutLetter!: number;
}

export class DashboardDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Jurisdiction region prefix (null: everything)' }) regionPrefix!: string | null;
  @ApiProperty({ type: [ModelMonthDto] }) warningsByModelMonth!: ModelMonthDto[];
  @ApiProperty({ type: [RegionCountDto] }) warningsByRegion!: RegionCountDto[];
  @ApiProperty({ type: [CountDto], description: 'Open cases by status' }) openCases!: CountDto[];
  @ApiProperty({ type: [CountDto], description: 'Open cases by age in days: 0-7, 8-30, 31-90, 90+' }) ageing!: CountDto[];
  @ApiProperty({ type: [CanteenUseDto] }) canteenUse!: CanteenUseDto[];
  @ApiProperty({ type: [ReceptionTrendDto] }) receptionTrend!: ReceptionTrendDto[];
}

export class ModelQualityDto {
  @ApiProperty() modelKey!: string;
  @ApiProperty() title!: string;
  @ApiProperty() open!: number;
  @ApiProperty() confirmed!: number;
  @ApiProperty() dismissed!: number;
  @ApiProperty() inconclusive!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'confirmed / (confirmed + dismissed); null when neither' }) precision!: number | null;
}

export class ModelQualityReportDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: [ModelQualityDto] }) models!: ModelQualityDto[];
}
