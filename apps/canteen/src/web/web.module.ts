import { Module } from '@nestjs/common';
import { WebController } from './web.controller';

/**
 * The browser pages of the canteen service (no build step: plain HTML, ES modules and CSS from ./public):
 * the diner's phone page (/app/diner and /m/:code, where a phone camera lands after scanning a meal code),
 * the canteen terminal (/app/terminal) and the canteen admin page (/app/admin). The pages are public; every
 * API call they make carries the bearer token obtained through /auth/dev-login (the 浙政钉 stand-in).
 */
@Module({ controllers: [WebController] })
export class WebModule {}
