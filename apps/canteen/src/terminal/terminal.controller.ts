import { Body, Controller, Get, HttpCode, HttpStatus, Logger, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { CurrentPrincipal, Principal, Role, Roles } from '@meal/auth';
import { MealViewDto } from '../scanning/dto/scan.response.dto';
import { slotLabel } from '../scanning/meal-time';
import {
  OfflineConfirmationsDto,
  OfflineConfirmationsResponseDto,
  PassKeyResponseDto,
  TerminalSummaryDto,
  VerificationResponseDto,
  VerifyPassDto,
} from './dto/terminal.dto';
import { formatSse, STREAM_HEARTBEAT_MS, TerminalStreamService } from './terminal-stream.service';
import { TerminalService } from './terminal.service';

/** 食堂终端: verify passes online and offline, the canteen's pass key, today's counts and the live stream. */
@ApiTags('terminal')
@ApiBearerAuth()
@Controller('terminal')
@Roles(Role.Terminal)
export class TerminalController {
  private readonly logger = new Logger('TerminalStream');

  constructor(
    private readonly terminals: TerminalService,
    private readonly stream: TerminalStreamService,
  ) {}

  @Post('verifications')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: '核销就餐凭证', description: 'Consumes the pass exactly once. Refusals carry a code and a Chinese message.' })
  @ApiOkResponse({ type: VerificationResponseDto })
  @ApiResponse({ status: 403, description: 'TERMINAL_INACTIVE' })
  @ApiResponse({ status: 409, description: 'PASS_ALREADY_USED (details: usedAt, usedByTerminalId, usedByTerminalName)' })
  @ApiResponse({ status: 410, description: 'PASS_EXPIRED / MEAL_VOIDED' })
  @ApiResponse({ status: 422, description: 'PASS_MALFORMED / PASS_FORGED / PASS_WRONG_CANTEEN / PASS_WRONG_SLOT' })
  async verify(@CurrentPrincipal() principal: Principal, @Body() body: VerifyPassDto): Promise<VerificationResponseDto> {
    const v = await this.terminals.verify(principal, body.pass);
    return {
      result: 'accepted',
      meal: MealViewDto.of(v.meal),
      diner: { name: v.dinerName, unitName: v.unitName },
      slot: v.meal.slot,
      slotLabel: slotLabel(v.meal.slot),
      priceFen: v.meal.priceFen,
      payer: v.meal.payer,
      verifiedAt: v.verifiedAt.toISOString(),
    };
  }

  @Get('pass-key')
  @ApiOperation({ summary: '本食堂凭证公钥', description: 'The canteen’s public pass key (JWK + kid) for offline verification.' })
  @ApiOkResponse({ type: PassKeyResponseDto })
  passKey(@CurrentPrincipal() principal: Principal): Promise<PassKeyResponseDto> {
    return this.terminals.passKey(principal);
  }

  @Post('offline-confirmations')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: '同步离线核销',
    description: 'Re-verifies each pass (exp against verifiedAt), records each confirmation idempotently and verifies the meal once; a meal verified before → duplicate.',
  })
  @ApiOkResponse({ type: OfflineConfirmationsResponseDto })
  async offline(@CurrentPrincipal() principal: Principal, @Body() body: OfflineConfirmationsDto): Promise<OfflineConfirmationsResponseDto> {
    return { results: await this.terminals.offlineConfirmations(principal, body.confirmations) };
  }

  @Get('summary')
  @ApiOperation({ summary: '今日各餐次统计', description: 'Today’s (Asia/Shanghai) scanned and verified counts per slot at this canteen.' })
  @ApiOkResponse({ type: TerminalSummaryDto })
  summary(@CurrentPrincipal() principal: Principal): Promise<TerminalSummaryDto> {
    return this.terminals.summary(principal);
  }

  @Get('stream')
  @ApiOperation({
    summary: '实时核销流 (SSE)',
    description:
      'text/event-stream: `event: verification` / `event: scan` (data JSON: result, dinerName, unitName, slot, slotLabel, at, …) and `event: summary` ' +
      '(the new counts); a comment heartbeat every 15 s. Read it with fetch() streaming and the Authorization header.',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'the event stream (kept open)' })
  async live(@CurrentPrincipal() principal: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { canteen } = await this.terminals.requireTerminal(principal);
    const first = await this.terminals.summaryOf(canteen);
    res.status(HttpStatus.OK);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: 3000\n: connected\n\n`);
    res.write(formatSse({ event: 'summary', data: first }));
    const subscription = this.stream.events(canteen).subscribe({
      next: (e) => res.write(formatSse(e)),
      error: (error: unknown) => {
        this.logger.warn(`stream of canteen ${canteen.id} failed: ${error instanceof Error ? error.message : String(error)}`);
        res.end();
      },
    });
    const heartbeat = setInterval(() => res.write(`: heartbeat ${new Date().toISOString()}\n\n`), STREAM_HEARTBEAT_MS);
    const cleanup = (): void => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
  }
}
