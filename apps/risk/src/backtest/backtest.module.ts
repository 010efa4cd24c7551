import { Module } from '@nestjs/common';
import { ModelSettingsModule } from '../model-settings/model-settings.module';
import { ModelsController } from '../model-settings/models.controller';
import { WarningsModule } from '../warnings/warnings.module';
import { BacktestService } from './backtest.service';

/** The admin API of the warning models: settings (GET/PATCH /models) and shadow backtests. */
@Module({
  imports: [ModelSettingsModule, WarningsModule],
  controllers: [ModelsController],
  providers: [BacktestService],
})
export class BacktestModule {}
