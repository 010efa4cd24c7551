import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CanteenInfo, DinerInfo, MealListItem, MealRecord } from '../meal.repository';
import { slotLabel } from '../meal-time';
import { IssuedPass, MealPassResult, ScanResult } from '../scan.service';

export class MealViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['issued', 'verified', 'voided'], description: 'issued 待核销 / verified 已核销 / voided 已作废' }) status!: string;
  @ApiProperty({ example: '2025-11-24', description: '就餐日期 (Asia/Shanghai)' }) mealDate!: string;
  @ApiProperty({ enum: ['breakfast', 'lunch', 'dinner'] }) slot!: string;
  @ApiProperty({ enum: ['早餐', '午餐', '晚餐'] }) slotLabel!: string;
  @ApiProperty({ description: '价格（分）' }) priceFen!: number;
  @ApiProperty({ enum: ['self', 'unit'], description: 'self 个人支付 / unit 公务结算' }) payer!: string;
  @ApiProperty() isVisitor!: boolean;
  @ApiProperty({ enum: ['official', 'personal'] }) purpose!: string;
  @ApiProperty({ format: 'date-time' }) scannedAt!: string;
  @ApiProperty() withinGeofence!: boolean;
  @ApiProperty() distanceMeters!: number;
  @ApiProperty({ format: 'uuid' }) canteenId!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) verifiedAt!: string | null;
  @ApiProperty() verifiedOffline!: boolean;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) voidedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) voidReason!: string | null;

  static of(meal: MealRecord): MealViewDto {
    return {
      id: meal.id,
      status: meal.status,
      mealDate: meal.mealDate,
      slot: meal.slot,
      slotLabel: slotLabel(meal.slot),
      priceFen: meal.priceFen,
      payer: meal.payer,
      isVisitor: meal.isVisitor,
      purpose: meal.purpose,
      scannedAt: meal.scannedAt.toISOString(),
      withinGeofence: meal.withinGeofence,
      distanceMeters: meal.distanceM,
      canteenId: meal.canteenId,
      verifiedAt: meal.verifiedAt?.toISOString() ?? null,
      verifiedOffline: meal.verifiedOffline,
      voidedAt: meal.voidedAt?.toISOString() ?? null,
      voidReason: meal.voidReason,
    };
  }
}

export class PassDto {
  @ApiProperty({ description: '就餐凭证 (ES256 JWS, typ meal-pass)' }) token!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;

  static of(pass: IssuedPass): PassDto {
    return { token: pass.token, expiresAt: pass.expiresAt.toISOString() };
  }
}

export class ScanDinerDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() unitName!: string;

  static of(diner: DinerInfo): ScanDinerDto {
    return { id: diner.id, name: diner.name, unitName: diner.unitName };
  }
}

export class ScanCanteenDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() regionName!: string;

  static of(canteen: CanteenInfo): ScanCanteenDto {
    return { id: canteen.id, name: canteen.name, regionName: canteen.regionName };
  }
}

export class ScanResponseDto {
  @ApiProperty({ description: 'true: the same Idempotency-Key was seen before and this is that meal (HTTP 200)' }) replayed!: boolean;
  @ApiProperty({ type: MealViewDto }) meal!: MealViewDto;
  @ApiProperty({ type: ScanDinerDto }) diner!: ScanDinerDto;
  @ApiProperty({ type: ScanCanteenDto }) canteen!: ScanCanteenDto;
  @ApiProperty({ type: PassDto }) pass!: PassDto;

  static of(result: ScanResult): ScanResponseDto {
    return {
      replayed: result.replayed,
      meal: MealViewDto.of(result.meal),
      diner: ScanDinerDto.of(result.diner),
      canteen: ScanCanteenDto.of(result.canteen),
      pass: PassDto.of(result.pass),
    };
  }
}

export class MyMealDto extends MealViewDto {
  @ApiProperty() canteenName!: string;

  static ofItem(item: MealListItem): MyMealDto {
    return { ...MealViewDto.of(item), canteenName: item.canteenName };
  }
}

export class MyMealsPageDto {
  @ApiProperty({ type: MyMealDto, isArray: true }) items!: MyMealDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class MealPassResponseDto {
  @ApiProperty({ type: MealViewDto }) meal!: MealViewDto;
  @ApiProperty({ type: ScanDinerDto }) diner!: ScanDinerDto;
  @ApiProperty({ description: '食堂名称' }) canteenName!: string;
  @ApiProperty({ type: PassDto }) pass!: PassDto;

  static of(result: MealPassResult): MealPassResponseDto {
    return { meal: MealViewDto.of(result.meal), diner: ScanDinerDto.of(result.diner), canteenName: result.canteenName, pass: PassDto.of(result.pass) };
  }
}

export class VoidMealResponseDto {
  @ApiProperty() replayed!: boolean;
  @ApiProperty({ type: MealViewDto }) meal!: MealViewDto;
}
