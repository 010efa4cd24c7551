import { Module } from '@nestjs/common';
import { WarningRepository } from './warning.repository';
import { WarningsController } from './warnings.controller';

/** Stored warnings (risk_warnings) and their read API. */
@Module({ controllers: [WarningsController], providers: [WarningRepository], exports: [WarningRepository] })
export class WarningsModule {}
