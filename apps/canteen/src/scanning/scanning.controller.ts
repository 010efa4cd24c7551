import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { CurrentPrincipal, Principal, Role, Roles } from '@meal/auth';
import { pageRequestOf } from '@meal/organisation';
import { MealParamsDto, MyMealsQueryDto, ScanDto, VoidMealDto } from './dto/scan.dto';
import { MealPassResponseDto, MealViewDto, MyMealDto, MyMealsPageDto, ScanResponseDto, VoidMealResponseDto } from './dto/scan.response.dto';
import { ScanService } from './scan.service';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: true,
  description: '8–64 characters [A-Za-z0-9_-]; a retry with the same key and body returns the same result',
};

/** 扫码就餐: the diner's phone submits a scanned meal code and gets a meal pass. */
@ApiTags('scanning')
@ApiBearerAuth()
@Controller('scans')
export class ScansController {
  constructor(private readonly scans: ScanService) {}

  @Post()
  @Roles(Role.Diner)
  @ApiOperation({
    summary: '扫码就餐',
    description:
      'Checks in order: meal code, canteen active, a meal slot open now (Asia/Shanghai), diner active, geofence, one meal per slot; ' +
      'prices the meal (own staff / visitor) and decides the payer (visitor on official business → unit). 201 new meal, 200 replay of the same Idempotency-Key.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 201, type: ScanResponseDto, description: '新的就餐记录与凭证' })
  @ApiResponse({ status: 200, type: ScanResponseDto, description: '同一 Idempotency-Key 的重放 (replayed: true)' })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED / IDEMPOTENCY_KEY_INVALID' })
  @ApiResponse({ status: 409, description: 'MEAL_ALREADY_TAKEN 本餐次已就餐' })
  @ApiResponse({ status: 410, description: 'MEAL_CODE_REVOKED / MEAL_CODE_EXPIRED' })
  @ApiResponse({ status: 422, description: 'MEAL_CODE_* / NO_MEAL_SLOT_OPEN / DINER_INACTIVE / OUTSIDE_GEOFENCE / IDEMPOTENCY_KEY_REUSED' })
  async scan(
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: ScanDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ScanResponseDto> {
    const result = await this.scans.scan(principal, idempotencyKey, body);
    res.status(result.replayed ? HttpStatus.OK : HttpStatus.CREATED);
    return ScanResponseDto.of(result);
  }
}

/** 我的就餐记录、就餐凭证与作废. */
@ApiTags('scanning')
@ApiBearerAuth()
@Controller('meals')
export class MealsController {
  constructor(private readonly scans: ScanService) {}

  @Get('mine')
  @Roles(Role.Diner)
  @ApiOperation({ summary: '我的就餐记录', description: 'The diner’s meals, newest first.' })
  @ApiOkResponse({ type: MyMealsPageDto })
  async mine(@CurrentPrincipal() principal: Principal, @Query() query: MyMealsQueryDto): Promise<MyMealsPageDto> {
    const page = pageRequestOf(query);
    const { items, total } = await this.scans.listMine(principal, page.skip, page.pageSize);
    return { items: items.map((m) => MyMealDto.ofItem(m)), total, page: page.page, pageSize: page.pageSize };
  }

  @Get(':id/pass')
  @Roles(Role.Diner)
  @ApiOperation({ summary: '就餐凭证', description: 'A fresh short-lived pass for the diner’s own meal; also for a verified meal (status shows 已核销). Voided: 410.' })
  @ApiOkResponse({ type: MealPassResponseDto })
  @ApiResponse({ status: 404, description: 'MEAL_NOT_FOUND' })
  @ApiResponse({ status: 410, description: 'MEAL_VOIDED' })
  async pass(@CurrentPrincipal() principal: Principal, @Param() params: MealParamsDto): Promise<MealPassResponseDto> {
    return MealPassResponseDto.of(await this.scans.passForOwnMeal(principal, params.id));
  }

  @Get(':id/pass.svg')
  @Roles(Role.Diner)
  @ApiOperation({ summary: '就餐凭证二维码 (SVG)', description: 'A fresh pass rendered as a QR code.' })
  @ApiProduces('image/svg+xml')
  @ApiResponse({ status: 200, description: 'SVG' })
  @ApiResponse({ status: 404, description: 'MEAL_NOT_FOUND' })
  async passSvg(@CurrentPrincipal() principal: Principal, @Param() params: MealParamsDto, @Res() res: Response): Promise<void> {
    const svg = await this.scans.passSvg(principal, params.id);
    res.status(HttpStatus.OK).setHeader('Content-Type', 'image/svg+xml; charset=utf-8').setHeader('Cache-Control', 'no-store').send(svg);
  }

  @Post(':id/void')
  @Roles(Role.Admin, Role.Terminal)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: '作废就餐记录', description: 'issued/verified → voided with a meal.voided event (refund = price). Idempotent on the key; a terminal only for its canteen.' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOkResponse({ type: VoidMealResponseDto })
  @ApiResponse({ status: 403, description: 'CANTEEN_SCOPE_VIOLATION' })
  @ApiResponse({ status: 404, description: 'MEAL_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'MEAL_ALREADY_VOIDED' })
  async void(
    @CurrentPrincipal() principal: Principal,
    @Param() params: MealParamsDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: VoidMealDto,
  ): Promise<VoidMealResponseDto> {
    const result = await this.scans.voidMeal(principal, params.id, idempotencyKey, body.reason);
    return { replayed: result.replayed, meal: MealViewDto.of(result.meal) };
  }
}
