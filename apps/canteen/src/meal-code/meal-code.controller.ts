import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, Post, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { CurrentPrincipal, Principal, Public, Role, Roles } from '@meal/auth';
import { CanteenParamsDto, CanteenVersionParamsDto } from './dto/meal-code-params.dto';
import { MealCodePublicKeyDto, MealCodeResponseDto, RevokeMealCodesResponseDto } from './dto/meal-code.response.dto';
import { RevokeMealCodeDto } from './dto/revoke-meal-code.dto';
import { RotateMealCodeDto } from './dto/rotate-meal-code.dto';
import { MealCodeVerificationDto, VerifiedMealCodeDto, VerifyMealCodeDto } from './dto/verify-meal-code.dto';
import { MealCodeCanteenForbiddenException, MealCodeRefusedException } from './meal-code.exceptions';
import { MealCodeService } from './meal-code.service';
import { MEAL_CODE_ALGORITHM, MEAL_CODE_ISSUER, MEAL_CODE_KIND } from './meal-code-signer.service';

const NO_STORE = 'no-store';
/** The poster is a static page: no script, styles inline, images only as inline SVG. */
const POSTER_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/** Admins may read any canteen's code; a terminal only its own canteen's. */
function assertMayRead(principal: Principal, canteenId: string): void {
  if (principal.roles.includes(Role.Admin)) return;
  if (principal.kind === 'terminal' && principal.canteenId?.toLowerCase() === canteenId.toLowerCase()) return;
  throw new MealCodeCanteenForbiddenException(canteenId);
}

/** 用餐码管理: issue, rotate, revoke, list and render a canteen's meal code. */
@ApiTags('meal-codes')
@ApiBearerAuth()
@Controller('canteens/:canteenId/meal-codes')
export class MealCodeController {
  constructor(private readonly mealCodes: MealCodeService) {}

  @Post()
  @Roles(Role.Admin)
  @ApiOperation({ summary: '签发用餐码', description: '为食堂签发第一版用餐码。幂等：已有有效码时原样返回（200），新签发时返回 201。' })
  @ApiResponse({ status: 201, type: MealCodeResponseDto, description: '新签发' })
  @ApiResponse({ status: 200, type: MealCodeResponseDto, description: '已有有效码，原样返回' })
  @ApiResponse({ status: 404, description: 'CANTEEN_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'CANTEEN_INACTIVE' })
  async issue(@Param() params: CanteenParamsDto, @Res({ passthrough: true }) res: Response): Promise<MealCodeResponseDto> {
    const result = await this.mealCodes.issue(params.canteenId);
    res.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    return MealCodeResponseDto.of(result);
  }

  @Post('rotate')
  @Roles(Role.Admin)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: '轮换用餐码', description: '签发新版本；原有效码转为“已轮换”，在过渡期（graceSeconds，默认 24 小时）内仍可使用。' })
  @ApiResponse({ status: 201, type: MealCodeResponseDto })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED / MEAL_CODE_GRACE_OUT_OF_RANGE' })
  @ApiResponse({ status: 404, description: 'CANTEEN_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'CANTEEN_INACTIVE' })
  async rotate(@Param() params: CanteenParamsDto, @Body() body: RotateMealCodeDto): Promise<MealCodeResponseDto> {
    return MealCodeResponseDto.of(await this.mealCodes.rotate(params.canteenId, body.graceSeconds));
  }

  @Post('revoke-all')
  @Roles(Role.Admin)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: '作废全部用餐码', description: '立即作废该食堂所有版本（含有效码与过渡期内的旧码）。之后需重新签发。' })
  @ApiOkResponse({ type: RevokeMealCodesResponseDto })
  @ApiResponse({ status: 404, description: 'CANTEEN_NOT_FOUND' })
  async revokeAll(@Param() params: CanteenParamsDto, @Body() body: RevokeMealCodeDto): Promise<RevokeMealCodesResponseDto> {
    return RevokeMealCodesResponseDto.of(await this.mealCodes.revoke(params.canteenId, null, body.reason));
  }

  @Post(':version/revoke')
  @Roles(Role.Admin)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: '作废某一版本用餐码', description: '立即作废，扫码即被拒绝。重复作废无副作用。' })
  @ApiOkResponse({ type: RevokeMealCodesResponseDto })
  @ApiResponse({ status: 404, description: 'CANTEEN_NOT_FOUND / MEAL_CODE_VERSION_NOT_FOUND' })
  async revoke(@Param() params: CanteenVersionParamsDto, @Body() body: RevokeMealCodeDto): Promise<RevokeMealCodesResponseDto> {
    return RevokeMealCodesResponseDto.of(await this.mealCodes.revoke(params.canteenId, params.version, body.reason));
  }

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({ summary: '用餐码版本列表', description: '全部版本，新版本在前，含状态与是否仍可使用。' })
  @ApiOkResponse({ type: MealCodeResponseDto, isArray: true })
  @ApiResponse({ status: 404, description: 'CANTEEN_NOT_FOUND' })
  async list(@Param() params: CanteenParamsDto): Promise<MealCodeResponseDto[]> {
    return (await this.mealCodes.list(params.canteenId)).map((view) => MealCodeResponseDto.of(view));
  }

  @Get('current.png')
  @Roles(Role.Admin, Role.Terminal)
  @Header('Cache-Control', NO_STORE)
  @ApiOperation({ summary: '当前用餐码 PNG', description: '纠错等级 M，留白 4 模块，720 像素。终端只能读取本食堂的码。' })
  @ApiProduces('image/png')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 404, description: 'CANTEEN_NOT_FOUND / MEAL_CODE_NOT_ISSUED' })
  async currentPng(@Param() params: CanteenParamsDto, @CurrentPrincipal() principal: Principal): Promise<StreamableFile> {
    assertMayRead(principal, params.canteenId);
    const { version, png } = await this.mealCodes.currentPng(params.canteenId);
    return new StreamableFile(png, { type: 'image/png', disposition: `inline; filename="meal-code-${params.canteenId}-v${version}.png"` });
  }

  @Get('current.svg')
  @Roles(Role.Admin, Role.Terminal)
  @Header('Cache-Control', NO_STORE)
  @ApiOperation({ summary: '当前用餐码 SVG', description: '矢量图，适合印刷。终端只能读取本食堂的码。' })
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ schema: { type: 'string' } })
  @ApiResponse({ status: 404, description: 'CANTEEN_NOT_FOUND / MEAL_CODE_NOT_ISSUED' })
  async currentSvg(@Param() params: CanteenParamsDto, @CurrentPrincipal() principal: Principal): Promise<StreamableFile> {
    assertMayRead(principal, params.canteenId);
    const { version, svg } = await this.mealCodes.currentSvg(params.canteenId);
    return new StreamableFile(Buffer.from(svg, 'utf8'), {
      type: 'image/svg+xml; charset=utf-8',
      disposition: `inline; filename="meal-code-${params.canteenId}-v${version}.svg"`,
    });
  }

  @Get('poster')
  @Roles(Role.Admin)
  @Header('Cache-Control', NO_STORE)
  @Header('Content-Security-Policy', POSTER_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @ApiOperation({ summary: '用餐码张贴海报（A4，可打印 HTML）', description: '食堂名称、级别、所在区划、餐次时间与价格（本单位/外单位）、二维码与“扫码就餐”说明。' })
  @ApiProduces('text/html')
  @ApiOkResponse({ schema: { type: 'string' } })
  @ApiResponse({ status: 404, description: 'CANTEEN_NOT_FOUND / MEAL_CODE_NOT_ISSUED' })
  async poster(@Param() params: CanteenParamsDto): Promise<StreamableFile> {
    const { html } = await this.mealCodes.poster(params.canteenId);
    return new StreamableFile(Buffer.from(html, 'utf8'), { type: 'text/html; charset=utf-8' });
  }
}

/** Routes about meal codes in general: the public verification key and the admin scan test. */
@ApiTags('meal-codes')
@Controller('meal-codes')
export class MealCodeToolsController {
  constructor(private readonly mealCodes: MealCodeService) {}

  @Get('public-key')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: '用餐码验签公钥', description: '用于手机/终端离线验签：ES256，PEM 与 JWK 两种格式。' })
  @ApiOkResponse({ type: MealCodePublicKeyDto })
  publicKey(): MealCodePublicKeyDto {
    return { alg: MEAL_CODE_ALGORITHM, issuer: MEAL_CODE_ISSUER, kind: MEAL_CODE_KIND, publicKeyPem: this.mealCodes.publicKeyPem, jwk: { ...this.mealCodes.publicJwk } };
  }

  @Post('verify')
  @Roles(Role.Admin)
  @ApiBearerAuth()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: '校验扫码文本（管理员测试）', description: '与扫码就餐相同的校验；通过返回食堂与坐标，不通过返回拒绝代码与原因（均为 200）。' })
  @ApiBody({ type: VerifyMealCodeDto })
  @ApiOkResponse({ type: MealCodeVerificationDto })
  async verify(@Body() body: VerifyMealCodeDto): Promise<MealCodeVerificationDto> {
    try {
      return { valid: true, result: VerifiedMealCodeDto.of(await this.mealCodes.verifyScannedCode(body.text)) };
    } catch (error) {
      if (error instanceof MealCodeRefusedException) return { valid: false, code: error.code, message: error.message };
      throw error;
    }
  }
}
