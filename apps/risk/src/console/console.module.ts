import { Module } from '@nestjs/common';
import { ConsoleLoginController } from './console-login.controller';
import { ConsoleLoginRepository } from './console-login.repository';
import { ConsoleLoginService } from './console-login.service';
import { ConsoleController } from './console.controller';

/**
 * The inspectors' console (纪检监察核查工作台): plain HTML/JS pages from ./public (the queue, a case, its printable file,
 * the dashboard) and the development login they use (POST /auth/dev-login, the 浙政钉 stand-in, sharing the identity
 * key with the canteen service). Needs AuthModule.forRoot() and a DataSource.
 */
@Module({ controllers: [ConsoleController, ConsoleLoginController], providers: [ConsoleLoginRepository, ConsoleLoginService] })
export class ConsoleModule {}
